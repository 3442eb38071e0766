from __future__ import annotations

import shutil
from pathlib import Path

from corpus.pipeline import ingest
from corpus.sources.files import MAX_FILE_BYTES
from corpus.store import open_store
from tests.corpus.helpers import OTHER_STORY, WIRE_STORY, record, write_jsonl

FIXTURES = Path(__file__).parent / "fixtures"


def make_bad_inputs(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    files = {
        "empty": folder / "empty.txt",
        "binary": folder / "image.html",
        "latin1": folder / "latin1.txt",
        "huge": folder / "huge.html",
        "broken_xml": folder / "broken.xml",
        "not_feed": folder / "inventory.xml",
        "empty_feed": folder / "quiet.rss",
        "jsonl": folder / "mixed.jsonl",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    files["latin1"].write_bytes("Exportkontrollen für Chips: Behörde prüft Anträge.".encode("latin-1"))
    with files["huge"].open("wb") as fh:  # a sparse 50 MB page: no disk or memory needed
        fh.truncate(50 * 1024 * 1024)
    shutil.copy(FIXTURES / "broken_feed.xml", files["broken_xml"])
    shutil.copy(FIXTURES / "not_a_feed.xml", files["not_feed"])
    shutil.copy(FIXTURES / "empty_feed.xml", files["empty_feed"])
    write_jsonl(
        files["jsonl"],
        [record("ok-1", "https://ok.example/1", WIRE_STORY)],
        extra_lines=['{"id": "broken", "text": "unterminated', "[1, 2]", json_line_without_text()],
    )
    return files


def json_line_without_text() -> str:
    return '{"id": "no-text", "url": "https://ok.example/2", "text": "   "}'


def test_each_bad_input_gets_one_reason_and_the_rest_is_ingested(data_dir: Path, tmp_path: Path) -> None:
    files = make_bad_inputs(tmp_path / "bad")
    good = write_jsonl(tmp_path / "good.jsonl", [record("ok-2", "https://ok.example/3", OTHER_STORY)])
    with open_store(data_dir) as store:
        report = ingest([str(files["jsonl"].parent), str(good), str(tmp_path / "missing.jsonl")], store)
        assert sorted(report.added)[-2:] == ["ok-1", "ok-2"] and store.count() == 3
        (latin1,) = [a for a in store.articles() if a.origin == "text"]
        assert latin1.text == "Exportkontrollen für Chips: Behörde prüft Anträge."  # decoded, not refused
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons[str(files["empty"])] == "empty file"
    assert reasons[str(files["binary"])] == "binary file, not text"
    assert "too large" in reasons[str(files["huge"])] and "50.0 MiB" in reasons[str(files["huge"])]
    assert reasons[str(files["broken_xml"])].startswith("broken feed XML")
    assert reasons[str(files["not_feed"])] == "not an RSS/Atom feed"
    assert reasons[str(files["empty_feed"])] == "feed has no entries"
    assert reasons[f"{files['jsonl']}:2"].startswith("not valid JSON")
    assert reasons[f"{files['jsonl']}:3"] == "expected a JSON object, got a list"
    assert reasons[f"{files['jsonl']}:4"] == "record has no text"
    assert reasons[str(tmp_path / "missing.jsonl")] == "no such file or directory"
    assert len(report.skipped) == 10


def test_the_size_cap_is_checked_before_reading(data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    huge = tmp_path / "page.html"
    with huge.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)

    def refuse(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with open_store(data_dir) as store:
        (skip,) = ingest([str(huge)], store).skipped
    assert "too large" in skip.reason
