from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.corpus.helpers import OTHER_STORY, WIRE_STORY, record, syndicated_copy, write_jsonl


@pytest.fixture
def corpus_file(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "in.jsonl",
        [
            record("k-1", "https://wire.example/2025/07/21/permits", WIRE_STORY, title="Malaysia permits"),
            record("k-2", "https://copy.example/permits", syndicated_copy()),
            record("k-3", "https://other.example/japan", OTHER_STORY, published="2023-05-23"),
        ],
        extra_lines=["not json"],
    )


def test_ingest_then_list_and_show(corpus_file: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", str(corpus_file), "--no-gate", "--no-index", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "added 2, updated 0, unchanged 0, duplicates 1, skipped 1"
    assert "-> k-1" in out and f"skipped: {corpus_file}:4: not valid JSON" in out

    assert main(["articles", "--json"]) == 0
    listed = {a["id"]: a for a in json.loads(capsys.readouterr().out)}
    assert set(listed) == {"k-1", "k-3"}
    assert listed["k-1"]["alternates"][0]["url"] == "https://copy.example/permits"
    assert listed["k-1"]["published"] == "2025-07-21" and listed["k-1"]["chunks"] >= 1

    assert main(["article", "k-1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["text"] == WIRE_STORY
    assert all(shown["text"][c["start"] : c["end"]] == c["text"] for c in shown["chunks"])

    assert main(["article", "k-2"]) == 0  # a folded copy's id shows the article it was folded into
    assert "k-2 is a copy folded into k-1" in capsys.readouterr().out
    assert main(["articles"]) == 0
    assert "Malaysia permits" in capsys.readouterr().out


def test_exit_code_is_non_zero_only_when_nothing_could_be_read(
    tmp_path: Path, corpus_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert main(["ingest", str(empty), str(tmp_path / "nope"), "--no-index", "--no-gate"]) == 1
    assert f"skipped: {empty}: empty file" in capsys.readouterr().out
    assert main(["ingest", str(empty), str(corpus_file), "--no-index", "--no-gate"]) == 0
    assert main(["ingest", str(corpus_file), "--no-gate", "--no-index"]) == 0  # all unchanged is still a success
    assert main(["article", "missing"]) == 1
    assert main(["ingest"]) == 2


def test_ingest_updates_the_search_index(
    corpus_file: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("index.builder", reason="the index stage is not installed")
    monkeypatch.setenv("CHIPBOT_EMBED_BACKEND", "hash")
    assert main(["ingest", str(corpus_file), "--no-gate"]) == 0
    assert "index: generation" in capsys.readouterr().out
    assert main(["ingest", str(corpus_file), "--no-gate"]) == 0
    assert "index: up to date" in capsys.readouterr().out
