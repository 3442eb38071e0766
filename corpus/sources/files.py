"""Local inputs: JSONL, HTML and text files, directories (recursively), and JSONL on stdin."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from corpus.extract import Extracted, extract_html, extract_text_dump
from corpus.records import Document, Notice, Skip
from corpus.sources.decode import BINARY_MAGIC, UnreadableInput, decode_text
from corpus.sources.jsonl import read_jsonl_bytes, read_jsonl_lines

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}


def read_path(path: Path) -> Iterator[Document | Skip | Notice]:
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


def read_file(path: Path) -> Iterator[Document | Skip | Notice]:
    label = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Skip(label, f"cannot read: {exc.strerror}")
        return
    if size > MAX_FILE_BYTES:  # refused before reading anything
        yield Skip(label, f"file too large ({size / 2**20:.1f} MiB > {MAX_FILE_BYTES / 2**20:.0f} MiB cap)")
        return
    suffix = path.suffix.lower()
    if suffix in FEED_SUFFIXES:
        yield from read_feed_file_at(path)
        return
    try:
        data = path.read_bytes()
        is_html = suffix in HTML_SUFFIXES or (suffix not in JSONL_SUFFIXES | TEXT_SUFFIXES and _looks_html(data))
        if suffix in JSONL_SUFFIXES and _plain_bytes(data):  # each line decoded on its own
            yield from read_jsonl_bytes(data, label)
            return
        decoded = decode_text(data, html=is_html)
    except (OSError, UnreadableInput) as exc:
        yield Skip(label, str(exc) if isinstance(exc, UnreadableInput) else f"cannot read: {exc.strerror}")
        return
    if decoded.guessed:
        yield Notice(label, f"not UTF-8; read it as {decoded.encoding}")
    text = decoded.text
    if suffix in JSONL_SUFFIXES or (suffix not in TEXT_SUFFIXES and not is_html and text.lstrip().startswith("{")):
        yield from read_jsonl_lines(text.splitlines(), label)
    elif is_html:
        yield from _document(label, extract_html(text, url=None), "html")
    else:
        yield from _document(label, extract_text_dump(text), "text")


def _plain_bytes(data: bytes) -> bool:
    """Bytes a JSONL file can be read from line by line: not empty, binary or UTF-16/32 (those have NULs)."""
    return bool(data.strip()) and b"\x00" not in data[:8192] and not data.startswith(BINARY_MAGIC)


def read_feed_file_at(path: Path) -> Iterator[Document | Skip]:
    """The entries of an RSS/Atom feed saved as a file (their summaries: nothing is fetched)."""
    from corpus.sources.web import read_feed_file

    label = str(path)
    try:
        data = path.read_bytes()
        decode_text(data)  # refuses empty and binary files with a clear reason
    except (OSError, UnreadableInput) as exc:
        yield Skip(label, str(exc) if isinstance(exc, UnreadableInput) else f"cannot read: {exc.strerror}")
        return
    yield from read_feed_file(data, label)


def read_stdin(stream: TextIO) -> Iterator[Document | Skip | Notice]:
    """JSONL on standard input, read as bytes when possible so one line in another encoding is one note."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        yield from read_jsonl_bytes(buffer.read(), "<stdin>")
    else:
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
