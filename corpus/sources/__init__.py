"""Readers for every kind of input; each yields :class:`Document`s and :class:`Skip`s, never raises for bad input."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from corpus.records import ReadItem, Skip
from corpus.sources.files import read_feed_file_at, read_path, read_stdin
from corpus.sources.http import Fetcher
from corpus.sources.web import read_feed as _read_feed
from corpus.sources.web import read_url

if TYPE_CHECKING:
    from corpus.store import ArticleStore

__all__ = ["Fetcher", "read_feed", "read_source"]


def read_source(
    source: str, *, fetcher: Fetcher | None = None, stdin: TextIO | None = None, store: ArticleStore | None = None
) -> Iterator[ReadItem]:
    """Documents from a path (file or directory), ``-`` (JSONL on stdin) or an http(s) URL."""
    if source == "-":
        yield from read_stdin(stdin or sys.stdin)
    elif source.startswith(("http://", "https://")):
        yield from read_url(source, fetcher or Fetcher(), store)
    else:
        yield from read_path(Path(source).expanduser())


def read_feed(url: str, *, fetcher: Fetcher | None = None, store: ArticleStore | None = None) -> Iterator[ReadItem]:
    """Documents from an RSS/Atom feed's entries; a feed saved as a local file is read from the file."""
    if url.strip().lower().startswith(("http://", "https://")):
        yield from _read_feed(url.strip(), fetcher or Fetcher(), store)
        return
    path = Path(url).expanduser()
    if path.is_file():
        yield from read_feed_file_at(path)
    else:
        yield Skip(url, "--feed needs an http(s) URL or a saved feed file; this is neither")
