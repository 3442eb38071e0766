from __future__ import annotations

import subprocess
import sys
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
