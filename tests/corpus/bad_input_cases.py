"""Classes of bad input for the reliability suite, each with the outcome it must have.

Used by tests/corpus/test_bad_input_batch.py (all of them in one batch with good records) and by
bench/reliability_corpus.py (the same batch, printed as a table). The texts are written for the
tests; nothing is copied from the shared corpus.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.corpus.helpers import OTHER_STORY, WIRE_STORY

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_TEXT = "Officials confirmed the new chip export licence rules on {n}, covering wafer tools and design software."
_STORY = (
    "Exportkontrollen für Chips: Die Behörde prüft Anträge für Lithografie-Anlagen künftig strenger. "
    "Händler in Rotterdam müssen Endverwender nennen, und Verstöße werden mit Bußgeldern geahndet. "
    "Die Regel gilt ab März für alle Lieferungen nach Übersee und für Ersatzteile älterer Maschinen."
)


def story(tag: str) -> str:
    """A text of its own for each kept case (a tag every four words: no two share a 5-word shingle)."""
    words = _STORY.split()
    return " ".join(w + (f" {tag}{i}" if i % 4 == 3 else "") for i, w in enumerate(words))


@dataclass(frozen=True)
class Case:
    name: str  # the class of bad input
    outcome: str  # "skip": refused with a reason; "kept": stored, with a note when one is expected
    says: str  # a phrase of the skip reason or the note ("" when kept silently)


@dataclass(frozen=True)
class LineCase(Case):
    line: bytes = b""  # one line of a JSONL file that also holds good lines


@dataclass(frozen=True)
class FileCase(Case):
    make: Callable[[Path], Path] = lambda folder: folder  # writes the input under a folder, returns its path
    as_feed: bool = False  # given as --feed instead of as a source


def _json(**fields: object) -> bytes:
    return json.dumps(fields, ensure_ascii=False).encode()


def _rec(rid: str, **fields: object) -> bytes:
    base: dict[str, object] = {"id": rid, "url": f"https://bad.example/{rid}", "title": f"T {rid}", "text": WIRE_STORY}
    return _json(**(base | fields))


LINE_CASES = [
    LineCase("broken JSON", "skip", "not valid JSON", b'{"id": "b1", "text": "unterminated'),
    LineCase("a JSON array", "skip", "expected a JSON object, got a list", b"[1, 2]"),
    LineCase("a JSON string", "skip", "expected a JSON object, got a string", b'"just words"'),
    LineCase("a JSON number", "skip", "expected a JSON object, got a number", b"42"),
    LineCase("JSON null", "skip", "expected a JSON object, got null", b"null"),
    LineCase("no text field", "skip", "record has no text", _json(id="b6", url="https://bad.example/6")),
    LineCase("blank text", "skip", "record has no text", _rec("b7", text="  \t ")),
    LineCase("text is a number", "skip", "field 'text' should be a string, got a number", _rec("b8", text=3)),
    LineCase("text is a list", "skip", "field 'text' should be a string, got a list", _rec("b9", text=["a"])),
    LineCase("title is a number", "skip", "field 'title' should be a string, got a number", _rec("b10", title=7)),
    LineCase("title is a boolean", "skip", "field 'title' should be a string, got a boolean", _rec("b11", title=True)),
    LineCase("url is a number", "skip", "field 'url' should be a string, got a number", _rec("b12", url=12)),
    LineCase("url is a boolean", "skip", "field 'url' should be a string, got a boolean", _rec("b13", url=False)),
    LineCase("source is a number", "skip", "field 'source' should be a string, got a number", _rec("b14", source=1)),
    LineCase("source is a boolean", "skip", "field 'source' should be a string", _rec("b15", source=True)),
    LineCase("published is a number", "skip", "field 'published' should be a string", _rec("b16", published=2025)),
    LineCase("author is an object", "skip", "field 'author' should be a string, got an object", _rec("b17", author={})),
    LineCase("id is a boolean", "skip", "field 'id' should be a string or an integer", _rec("b18", id=True)),
    LineCase("id is an object", "skip", "field 'id' should be a string or an integer", _rec("b19", id={"n": 1})),
    LineCase("id with spaces around it", "skip", "leading or trailing spaces", _rec(" b20 ")),
    LineCase("neither url nor id", "skip", "record has neither a url nor an id", _json(text=OTHER_STORY)),
    LineCase("javascript: url", "skip", "absolute http(s) URL", _rec("b22", url="javascript:alert(1)")),
    LineCase("relative url", "skip", "absolute http(s) URL", _rec("b23", url="/news/2025/story")),
    LineCase("mailto: url", "skip", "absolute http(s) URL", _rec("b24", url="mailto:desk@bad.example")),
    LineCase(
        "lone surrogate escape",
        "skip",
        "lone surrogate",
        b'{"id": "b25", "url": "https://bad.example/25", "text": "chips \\ud800 rules"}',
    ),
    LineCase("JSON nested too deeply", "skip", "nested too deeply", b'{"id": "b26", "x": ' + b"[" * 100_000 + b"}"),
    LineCase("zero-width text only", "skip", "no text left after cleaning", _rec("b27", text="\u200b\u200b\ufeff")),
    LineCase(
        "an id reused for a different story",
        "skip",
        "already names a different article",
        _rec("good-1", url="https://other.example/elsewhere", text=OTHER_STORY),
    ),
    LineCase(
        "a Latin-1 line in a UTF-8 file",
        "kept",
        "line is not UTF-8; read it as windows-1252",
        _rec("k1", text=story("ka")).decode().encode("latin-1"),
    ),
    LineCase(
        "published after tomorrow", "kept", "after tomorrow", _rec("k2", text=story("kb"), published="2099-05-01")
    ),
    LineCase(
        "published is not a date",
        "kept",
        "not a date chipbot can read",
        _rec("k3", text=story("kc"), published="yesterday"),
    ),
    LineCase(
        "published in year 1",
        "kept",
        "not a date chipbot can read",
        _rec("k4", text=story("kd"), published="0001-01-01"),
    ),
]


def _write(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _sparse(name: str, size: int) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        with path.open("wb") as fh:  # no disk or memory needed
            fh.truncate(size)
        return path

    return make


def _empty_dir(folder: Path) -> Path:
    path = folder / "empty-dir"
    path.mkdir()
    return path


def _fixture(name: str, as_name: str) -> Callable[[Path], Path]:
    return _write(as_name, (FIXTURES / name).read_bytes())


def _html(body: str, charset: str | None = None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in body.split(". "))
    return f"<html><head>{meta}<title>Rules</title></head><body><article>{paragraphs}</article></body></html>"


_FEED = (
    "<rss version='2.0'><channel><title>Desk</title><link>https://desk.example/</link>"
    "<item><title>Rules</title><link>/news/rules.html</link><description>{text}</description></item>"
    "</channel></rss>"
)

FILE_CASES = [
    FileCase("an empty file", "skip", "empty file", make=_write("empty.txt", b"")),
    FileCase("a whitespace-only file", "skip", "empty file", make=_write("blank.md", b" \n\t\n")),
    FileCase(
        "a PNG named .html", "skip", "binary file", make=_write("image.html", b"\x89PNG\r\n\x1a\n" + os.urandom(512))
    ),
    FileCase("random bytes named .txt", "skip", "binary file", make=_write("noise.txt", bytes(range(256)) * 8)),
    FileCase("NUL bytes named .jsonl", "skip", "binary file", make=_write("nul.jsonl", b'{"id": 1}\x00\x00' * 200)),
    FileCase("gzip named .jsonl", "skip", "binary file", make=_write("packed.jsonl", gzip.compress(b'{"id": "z"}\n'))),
    FileCase("a 50 MB page", "skip", "too large", make=_sparse("huge.html", 50 * 1024 * 1024)),
    FileCase("broken feed XML", "skip", "broken feed XML", make=_fixture("broken_feed.xml", "broken.xml")),
    FileCase("XML that is not a feed", "skip", "not an RSS/Atom feed", make=_fixture("not_a_feed.xml", "stock.xml")),
    FileCase("a feed with no entries", "skip", "feed has no entries", make=_fixture("empty_feed.xml", "quiet.rss")),
    FileCase("a path that does not exist", "skip", "no such file or directory", make=lambda f: f / "missing.jsonl"),
    FileCase("an empty directory", "skip", "directory holds no files", make=_empty_dir),
    FileCase(
        "a page with no article text",
        "skip",
        "no article text found",
        make=_write("nav.html", b"<html><body><nav>Home</nav></body></html>"),
    ),
    FileCase(
        "--feed given a missing path",
        "skip",
        "--feed needs an http(s) URL",
        make=lambda f: f / "gone.xml",
        as_feed=True,
    ),
    FileCase(
        "UTF-16 text with a BOM",
        "kept",
        "",
        make=_write("utf16.txt", codecs.BOM_UTF16_LE + story("ke").encode("utf-16-le")),
    ),
    FileCase(
        "UTF-32 text with a BOM",
        "kept",
        "",
        make=_write("utf32.txt", codecs.BOM_UTF32_LE + story("kf").encode("utf-32-le")),
    ),
    FileCase(
        "Windows-1252 HTML without a charset",
        "kept",
        "not UTF-8; read it as",
        make=_write("cp1252.html", _html(story("kg") + " Händler “zitieren” das Gesetz").encode("cp1252")),
    ),
    FileCase(
        "Latin-1 HTML declaring its charset",
        "kept",
        "",
        make=_write("latin1.html", _html(story("kh"), "iso-8859-1").encode("latin-1")),
    ),
    FileCase(
        "a JSONL file with a BOM and CRLF lines",
        "kept",
        "",
        make=_write("bom.jsonl", codecs.BOM_UTF8 + _rec("k5", text=story("ki")) + b"\r\n"),
    ),
    FileCase(
        "a feed file with a relative link",
        "kept",
        "",
        make=_write("desk.rss", _FEED.format(text="Desk summary of the chip licence rules.").encode()),
    ),
    FileCase(
        "--feed given a saved feed file",
        "kept",
        "",
        make=_write(
            "saved.xml", _FEED.format(text="Saved copy of the desk feed.").replace("rules.html", "s.html").encode()
        ),
        as_feed=True,
    ),
]

GOOD_IDS = [f"good-{n}" for n in range(1, 5)]


def good_line(n: int) -> bytes:
    return _rec(f"good-{n}", url=f"https://good.example/{n}", text=story(f"g{n}x"))


def write_batch(folder: Path) -> tuple[list[str], list[str], dict[str, Case]]:
    """Write every case under ``folder``: (sources, feeds, expected outcome by the label it is reported under).

    The bad lines sit between good ones in one JSONL file; the bad files come before and after a good file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    mixed = folder / "mixed.jsonl"
    half = len(LINE_CASES) // 2
    lines: list[bytes] = [good_line(1)]
    expected: dict[str, Case] = {}
    for number, case in enumerate(LINE_CASES):
        if number == half:
            lines.append(good_line(2))
        lines.append(case.line)
        expected[f"{mixed}:{len(lines)}"] = case
    lines.append(good_line(3))
    mixed.write_bytes(b"\n".join(lines) + b"\n")
    files = folder / "files"
    files.mkdir()
    sources, feeds = [str(mixed)], []
    for number, case in enumerate(FILE_CASES):
        if number == len(FILE_CASES) // 2:
            sources.append(str(_write("good.jsonl", good_line(4) + b"\n")(folder)))
        path = case.make(files)
        (feeds if case.as_feed else sources).append(str(path))
        expected[str(path)] = case
    return sources, feeds, expected
