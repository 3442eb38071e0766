"""Local inputs: JSONL, HTML and text files, directories (recursively), and JSONL on stdin."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from corpus.errors import CorpusError
from corpus.extract import Extracted, extract_html, extract_text_dump
from corpus.records import Document, Skip
from corpus.sources.jsonl import read_jsonl_lines

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.IGNORECASE)
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF")


class UnreadableInput(CorpusError):
    """Bytes that are not usable text; the message is the reason shown in the summary."""


def decode_text(data: bytes, *, html: bool = False) -> str:
    """UTF-8 text (an HTML page may declare another charset); raises :class:`UnreadableInput`."""
    if not data.strip():
        raise UnreadableInput("empty file")
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:8192]:
        raise UnreadableInput("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        declared = _META_CHARSET.search(data[:4096]) if html else None
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"))
            except (LookupError, UnicodeDecodeError):
                pass
        raise UnreadableInput(f"not UTF-8 text (invalid byte at offset {exc.start}); convert it to UTF-8") from exc


def read_path(path: Path) -> Iterator[Document | Skip]:
    """A file, or every readable file under a directory (hidden files and folders skipped)."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path)))
        if not files:
            yield Skip(str(path), "directory holds no files")
        for file in files:
            yield from read_file(file)
    elif path.is_file():
        yield from read_file(path)
    else:
        yield Skip(str(path), "no such file or directory")


def read_file(path: Path) -> Iterator[Document | Skip]:
    label = str(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # refused before reading anything
        yield Skip(label, f"file too large ({size / 2**20:.1f} MiB > {MAX_FILE_BYTES / 2**20:.0f} MiB cap)")
        return
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        yield from _read_feed_file(path, label)
        return
    try:
        data = path.read_bytes()
        is_html = suffix in HTML_SUFFIXES or (suffix not in JSONL_SUFFIXES | TEXT_SUFFIXES and _looks_html(data))
        text = decode_text(data, html=is_html)
    except (OSError, UnreadableInput) as exc:
        yield Skip(label, str(exc) if isinstance(exc, UnreadableInput) else f"cannot read: {exc.strerror}")
        return
    if suffix in JSONL_SUFFIXES or (suffix not in TEXT_SUFFIXES and not is_html and text.lstrip().startswith("{")):
        yield from read_jsonl_lines(text.splitlines(), label)
    elif is_html:
        yield from _document(label, extract_html(text, url=None), "html")
    else:
        yield from _document(label, extract_text_dump(text), "text")


def _read_feed_file(path: Path, label: str) -> Iterator[Document | Skip]:
    from corpus.sources.web import read_feed_file

    try:
        data = path.read_bytes()
        decode_text(data)
    except (OSError, UnreadableInput) as exc:
        yield Skip(label, str(exc) if isinstance(exc, UnreadableInput) else f"cannot read: {exc.strerror}")
        return
    yield from read_feed_file(data, label)


def read_stdin(stream: TextIO) -> Iterator[Document | Skip]:
    yield from read_jsonl_lines(stream, "<stdin>")


def _document(label: str, found: Extracted, origin: str) -> Iterator[Document | Skip]:
    if not found.text.strip():
        yield Skip(label, "no article text found")
        return
    url = found.url or Path(label).resolve().as_uri()
    yield Document(
        source=label,
        text=found.text,
        url=url,
        title=found.title,
        published=found.published,
        outlet=found.outlet,
        author=found.author,
        site_name=found.site_name,
        origin=origin,
        article_id=found.article_id,
    )


def _looks_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<article"))


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
