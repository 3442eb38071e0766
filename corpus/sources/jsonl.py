"""JSONL records (``id, url, title, published, source, text``), one article per line.

A record may say ``"origin": "digest"``: its text is a digest in our own words of the report at its
``url`` (as in the bundled sample), which answers label as such instead of quoting it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from corpus.records import Document, Skip
from corpus.types import DIGEST

_FIELDS = ("id", "url", "title", "published", "source", "text")


def read_jsonl_lines(lines: Iterable[str], label: str) -> Iterator[Document | Skip]:
    """Documents from JSONL lines; a bad line becomes a :class:`Skip` and the rest is still read."""
    for number, line in enumerate(lines, start=1):
        where = f"{label}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skip(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield Skip(where, f"expected a JSON object, got {type(record).__name__}")
            continue
        if problem := _problem(record):
            yield Skip(where, problem)
            continue
        yield Document(
            source=where,
            text=record["text"],
            url=record.get("url") or None,
            title=record.get("title") or None,
            published=record.get("published") or None,
            outlet=record.get("source") or None,
            author=record.get("author") or None,
            site_name=record.get("site_name") or None,
            origin=DIGEST if record.get("origin") == DIGEST else "jsonl",
            article_id=str(record["id"]) if record.get("id") not in (None, "") else None,
        )


def _problem(record: dict[str, object]) -> str | None:
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return "record has no text"
    for name in _FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str | int):
            return f"field {name!r} should be a string, got {type(value).__name__}"
    if record.get("url") is None and record.get("id") in (None, ""):
        return "record has neither a url nor an id"
    return None
