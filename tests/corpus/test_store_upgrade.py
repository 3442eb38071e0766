"""A corpus.db from before this branch: its dates columns are added, its old near-duplicate signatures
recomputed once, and nothing stored is lost; read-only, it is refused with what to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from corpus.migrate import migrate, schema_version
from corpus.pipeline import ingest
from corpus.store import MIGRATIONS, ArticleStore, StoreError
from tests.corpus.helpers import WIRE_STORY, record, syndicated_copy, write_jsonl


def old_store(path: Path) -> None:
    """Version 1 with one article carrying a signature of the old (128 x uint64) kind."""
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    migrate(db, MIGRATIONS[:1], name="old")
    db.execute(
        "INSERT INTO articles (id, url, canonical_url, title, source, published, text, origin, content_hash, "
        "signature, updated_at) VALUES ('old-1', 'https://w.example/1', 'https://w.example/1', 'T', 'w.example', "
        "'2025-07-21', ?, 'jsonl', 'h', ?, '2025-07-21T00:00:00')",
        (WIRE_STORY, b"\x01" * 1024),
    )
    db.commit()
    db.close()


def test_an_old_store_is_upgraded_and_its_signatures_recomputed(data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / "corpus.db"
    old_store(path)
    with pytest.raises(StoreError, match="open it once with write access"):
        ArticleStore(path, read_only=True)
    with ArticleStore(path) as store:
        assert schema_version(store._db) == len(MIGRATIONS)
        (article,) = store.articles()
        assert article.id == "old-1" and article.text == WIRE_STORY and article.date_problem is None
        copy = write_jsonl(tmp_path / "copy.jsonl", [record("new-1", "https://copy.example/1", syndicated_copy())])
        report = ingest([str(copy)], store)  # the recomputed signature finds the copy
        assert [d.duplicate_of for d in report.duplicates] == ["old-1"]
        (blob,) = [b for _, b in store.signatures()]
        assert blob is not None and len(blob) == 4 * 128
    with ArticleStore(path, read_only=True) as store:
        assert store.count() == 1
