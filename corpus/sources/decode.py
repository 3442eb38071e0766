"""Bytes to text: UTF-8 first, then a byte-order mark, a declared charset, or charset-normalizer's guess.

Real pages and exports come in Windows-1252, Latin-1 and UTF-16 as well as UTF-8. Only bytes that
no text encoding explains (images, archives, executables, random bytes) are refused as binary.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from corpus.errors import CorpusError

BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"BZh")
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w:.-]+)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01  # text has next to no control characters; binary is full of them


class UnreadableInput(CorpusError):
    """Bytes that are not usable text; the message is the reason shown in the summary."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    guessed: bool  # neither UTF-8, a byte-order mark nor a declared charset: worth a note


def decode_text(data: bytes, *, declared: str | None = None, html: bool = False) -> Decoded:
    """The text in ``data``; ``declared`` is a charset named by the transport (an HTTP header).

    Raises :class:`UnreadableInput` for empty or binary data.
    """
    if not data.strip():
        raise UnreadableInput("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_decode(data, encoding), encoding, guessed=False)
    if data.startswith(BINARY_MAGIC):
        raise UnreadableInput("binary file, not text")
    try:
        return _checked(data.decode("utf-8"), "utf-8", guessed=False)
    except UnicodeDecodeError:
        pass
    named = [declared] if declared else []
    if html and (found := _META_CHARSET.search(data[:4096])):
        named.append(found.group(1).decode("ascii", "replace"))
    for encoding in named:
        try:
            return _checked(data.decode(encoding), encoding, guessed=False)
        except (LookupError, UnicodeDecodeError):
            continue
    return _guess(data)


def decode_line(line: bytes) -> Decoded:
    """One line of a JSONL file: UTF-8, else Windows-1252 (Latin-1 for its five unassigned bytes).

    A single line is too short for a statistical guess, and a JSON line that is not UTF-8 is in
    practice always a Western single-byte encoding.
    """
    try:
        return Decoded(line.decode("utf-8"), "utf-8", guessed=False)
    except UnicodeDecodeError:
        pass
    try:
        return Decoded(line.decode("cp1252"), "windows-1252", guessed=True)
    except UnicodeDecodeError:
        return Decoded(line.decode("latin-1"), "latin-1", guessed=True)


def _guess(data: bytes) -> Decoded:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableInput("binary file, not text (no text encoding fits these bytes)")
    return _checked(str(best), best.encoding, guessed=True)


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableInput(f"starts with a {encoding} byte-order mark but is not {encoding} text") from exc


def _checked(text: str, encoding: str, *, guessed: bool) -> Decoded:
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        raise UnreadableInput("binary file, not text (full of control characters)")
    if not text.strip():
        raise UnreadableInput("empty file")
    return Decoded(text, encoding, guessed)
