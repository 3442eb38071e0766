"""Storage faults during an ingest: a full disk and a read-only data directory each give one clear error
naming the data directory, leave the store intact, and `chipbot articles` / `article` still read it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from corpus.pipeline import ingest
from corpus.store import ArticleStore, StorageError, open_store
from tests.corpus.gate_fakes import WordGate
from tests.corpus.helpers import OTHER_STORY, WIRE_STORY, record, write_jsonl

REPO = Path(__file__).resolve().parents[2]


def many(tmp: Path, name: str, count: int) -> Path:
    """``count`` distinct articles (each a different mix of two stories, so none is a near-copy)."""
    words = (WIRE_STORY + " " + OTHER_STORY).split()
    records = [
        record(f"{name}-{i}", f"https://n.example/{name}/{i}", " ".join(words[i % 7 :: 1 + i % 5]) + f" Item {i}.")
        for i in range(count)
    ]
    return write_jsonl(tmp / f"{name}.jsonl", records)


def fill_disk_after(store: ArticleStore, pages: int) -> None:
    """SQLite's own size cap stands in for a full disk: writes past it fail with SQLITE_FULL."""
    (count,) = store._db.execute("PRAGMA page_count").fetchone()
    store._db.execute(f"PRAGMA max_page_count = {count + pages}")


def intact(data_dir: Path) -> list[str]:
    """The stored ids, after checking the database file is sound and every chunk is a span of its article."""
    with open_store(data_dir) as store:
        assert store._db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for article in store.articles():
            assert all(article.text[c.start : c.end] == c.text for c in store.chunks(article.id))
        return sorted(a.id for a in store.articles())


def test_a_full_disk_stops_the_ingest_with_one_error_and_keeps_what_was_stored(data_dir: Path, tmp_path: Path) -> None:
    with open_store(data_dir) as store:
        assert len(ingest([str(many(tmp_path, "first", 3))], store).added) == 3
        fill_disk_after(store, 6)
        with pytest.raises(StorageError) as caught:
            ingest([str(many(tmp_path, "second", 200))], store)
    message = str(caught.value)
    assert f"the disk holding the data directory {data_dir} is full" in message
    assert "articles stored before are intact" in message
    stored = intact(data_dir)
    assert {"first-0", "first-1", "first-2"} <= set(stored) and len(stored) < 203


def test_the_cli_reports_a_full_disk_in_one_line(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened = ArticleStore._open_writable

    def small_disk(self: ArticleStore) -> sqlite3.Connection:
        db = opened(self)
        (count,) = db.execute("PRAGMA page_count").fetchone()
        db.execute(f"PRAGMA max_page_count = {count + 6}")
        return db

    monkeypatch.setattr(ArticleStore, "_open_writable", small_disk)
    assert main(["ingest", str(many(tmp_path, "batch", 200)), "--no-index", "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    # The write that meets the full disk is an article, or (the topic gate scoring these mixed texts)
    # a rejected record or a gate decision: the same one line either way.
    assert err.count("\n") == 1 and err.startswith("chipbot ingest: cannot ")
    assert f"the disk holding the data directory {data_dir} is full" in err and "Traceback" not in err
    monkeypatch.undo()
    assert intact(data_dir)  # whatever was committed before the disk filled is whole


# Root ignores file permissions; without these capabilities (and not owning a way round them) it cannot.
UNPRIVILEGED = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"] if os.geteuid() == 0 else []


def chipbot(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`chipbot ARGS` in a process that cannot override file permissions."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(data_dir.parent), "HF_HUB_OFFLINE": "1"}
    command = [*UNPRIVILEGED, sys.executable, "-m", "bot.cli", *args, "--data-dir", str(data_dir)]
    return subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)


def set_mode(data_dir: Path, writable: bool) -> None:
    for path in [data_dir, *data_dir.iterdir()]:
        path.chmod((0o755 if writable else 0o555) if path.is_dir() else (0o644 if writable else 0o444))


@pytest.mark.skipif(bool(UNPRIVILEGED) and not shutil.which("setpriv"), reason="root without setpriv ignores modes")
def test_a_read_only_data_directory(data_dir: Path, tmp_path: Path) -> None:
    laptop = record("laptop", "https://reviews.example/laptop", "A laptop review: fast, quiet, seven hours.")
    with open_store(data_dir) as store:
        ingest([str(many(tmp_path, "kept", 2))], store)
        ingest([str(write_jsonl(tmp_path / "review.jsonl", [laptop]))], store, gate=WordGate())  # kept out
    more = many(tmp_path, "more", 2)
    set_mode(data_dir, writable=False)
    refused = chipbot("ingest", str(more), "--no-index", data_dir=data_dir)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert f"the data directory {data_dir}" in refused.stderr
    listed = chipbot("articles", data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    assert "kept-0" in listed.stdout and "kept-1" in listed.stdout and "2 articles" in listed.stderr
    shown = chipbot("article", "kept-1", data_dir=data_dir)
    assert shown.returncode == 0 and "--- chunk 0" in shown.stdout
    rejected = chipbot("articles", "--rejected", data_dir=data_dir)
    assert rejected.returncode == 0, rejected.stderr
    assert rejected.stdout.startswith("laptop ") and "1 items kept out" in rejected.stderr
    set_mode(data_dir, writable=True)
    assert intact(data_dir) == ["kept-0", "kept-1"]


def test_a_store_opened_read_only_never_writes(data_dir: Path, tmp_path: Path) -> None:
    with open_store(data_dir) as store:
        ingest([str(many(tmp_path, "a", 1))], store)
    with open_store(data_dir, read_only=True) as store, pytest.raises(StorageError, match="opened read-only"):
        ingest([str(many(tmp_path, "b", 1))], store)
    assert intact(data_dir) == ["a-0"]


def test_listing_a_data_directory_without_a_store_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["articles", "--data-dir", str(tmp_path / "nothing")]) == 1
    assert "chipbot ingest` creates it" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()  # listing never creates a store
