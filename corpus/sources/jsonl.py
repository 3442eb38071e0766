"""JSONL records (``id, url, title, published, source, text``), one article per line.

Every line stands alone: a line in another encoding, a field of the wrong type or a broken line is
one skip (or one note), and the lines around it are still read.

A record may say ``"origin": "digest"``: its text is a digest in our own words of the report at its
``url`` (as in the bundled sample), which answers label as such instead of quoting it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from corpus.records import Document, Notice, Skip
from corpus.sources.decode import decode_line
from corpus.types import DIGEST

_TEXT_FIELDS = ("url", "title", "published", "source", "author", "site_name")
_MAX_SHOWN = 60  # characters of a bad value quoted back in a message


def read_jsonl_bytes(data: bytes, label: str) -> Iterator[Document | Skip | Notice]:
    """Documents from JSONL bytes, each line decoded on its own (UTF-8, else Windows-1252 with a note)."""
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, start=1):
        decoded = decode_line(raw.removesuffix(b"\r"))
        if decoded.guessed:
            yield Notice(f"{label}:{number}", f"line is not UTF-8; read it as {decoded.encoding}")
        yield from _read_line(decoded.text.lstrip("\ufeff") if number == 1 else decoded.text, f"{label}:{number}")


def read_jsonl_lines(lines: Iterable[str], label: str) -> Iterator[Document | Skip]:
    """Documents from already decoded JSONL lines; a bad line becomes a :class:`Skip`."""
    for number, line in enumerate(lines, start=1):
        yield from _read_line(line, f"{label}:{number}")


def _read_line(line: str, where: str) -> Iterator[Document | Skip]:
    if not line.strip():
        return
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield Skip(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
        return
    except RecursionError:
        yield Skip(where, "not valid JSON (nested too deeply)")
        return
    if not isinstance(record, dict):
        yield Skip(where, f"expected a JSON object, got {_json_type(record)}")
        return
    if problem := _problem(record):
        yield Skip(where, problem)
        return
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
        article_id=_id(record.get("id")),
    )


def _problem(record: dict[str, object]) -> str | None:
    """Why a record cannot be used, or None. Every field is checked, so one message names the first fault."""
    text = record.get("text")
    if text is None:
        return "record has no text"
    if not isinstance(text, str):
        return f"field 'text' should be a string, got {_json_type(text)}"
    if not text.strip():
        return "record has no text"
    rid = record.get("id")
    if rid is not None and (isinstance(rid, bool) or not isinstance(rid, str | int)):
        return f"field 'id' should be a string or an integer, got {_json_type(rid)}"
    if isinstance(rid, str) and rid != rid.strip():
        return f"field 'id' has leading or trailing spaces: {_shown(rid)}"
    for name in _TEXT_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return f"field {name!r} should be a string, got {_json_type(value)}"
    for name, value in record.items():
        if isinstance(value, str) and _has_lone_surrogate(value):
            return f"field {name!r} holds an invalid Unicode escape (a lone surrogate such as \\ud800)"
    url = record.get("url")
    if isinstance(url, str) and url.strip():
        parts = urlsplit(url.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return f"field 'url' should be an absolute http(s) URL, got {_shown(url)}"
    elif _id(rid) is None:
        return "record has neither a url nor an id"
    return None


def _id(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value)
    return text or None


def _has_lone_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_type(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "an object"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _shown(value: str) -> str:
    return repr(value if len(value) <= _MAX_SHOWN else value[:_MAX_SHOWN] + "…")
