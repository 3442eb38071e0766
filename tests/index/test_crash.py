from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from index.builder import update_index
from index.embedders.hashing import HashEmbedder
from index.generation import Generations
from index.search import Index

from .fakes import ARTICLES, MemoryStore

REPO = Path(__file__).resolve().parents[2]


def test_killed_build_leaves_previous_generation_searchable(data_dir: Path) -> None:
    update_index(data_dir, MemoryStore(ARTICLES), HashEmbedder())
    before = Generations(data_dir).current()

    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.index.crash_build", str(data_dir)], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "embedding"  # mid-build: new generation half written
        assert list((data_dir / "index").glob("gen-*.tmp-*"))
    finally:
        proc.kill()
        proc.wait(timeout=10)

    assert Generations(data_dir).current() == before
    index = Index.open(data_dir, HashEmbedder())
    assert index.search("ASML immersion lithography licences", k=1).hits[0].article.id == "a2"
    assert index.article("n0") is None

    report = update_index(data_dir, MemoryStore(ARTICLES), HashEmbedder())  # the next build cleans up
    assert not report.changed
    assert not list((data_dir / "index").glob("gen-*.tmp-*"))


def test_kill_9_at_20_points_of_an_ingest_loses_no_committed_article_and_the_index_always_loads(
    tmp_path: Path,
) -> None:
    from corpus.store import open_store

    work = tmp_path / "crash"
    done = subprocess.run(
        [sys.executable, "-m", "tests.index.crash_ingest", str(work), "20"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"},  # children are forked: keep OpenMP out of the parent
    )
    assert done.returncode == 0, done.stderr
    runs = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(runs) == 20 and all(r["killed"] for r in runs), runs  # every child died mid-run
    phases = [r["in"].split(":")[0] for r in runs]
    assert phases.count("ingest") >= 9 and phases.count("build") >= 9

    baseline = {f"c-{s}" for s in range(6)}
    for run in runs:
        data_dir = Path(run["dir"])
        committed = (
            set((data_dir / "committed.txt").read_text().split()) if (data_dir / "committed.txt").exists() else set()
        )
        index = Index.open(data_dir, HashEmbedder())  # loads every time: the old or the new generation
        served = {a.id for a in index.articles()}
        with closing(sqlite3.connect(data_dir / "corpus.db")) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        with open_store(data_dir) as store:
            stored = {a.id for a in store.articles()}
            assert baseline | committed <= stored, run  # nothing committed is lost
            assert baseline <= served <= stored, run
            for article in store.articles():
                assert all(article.text[c.start : c.end] == c.text for c in store.chunks(article.id))
            update_index(data_dir, store, HashEmbedder())  # the next build catches up and cleans up
        index.close()
        assert {a.id for a in Index.open(data_dir, HashEmbedder()).articles()} == stored
        assert not [p.name for p in (data_dir / "index").iterdir() if ".tmp-" in p.name or p.name.startswith(".trash")]
