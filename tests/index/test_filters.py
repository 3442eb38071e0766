"""The vectorised date/source filter against a brute-force one, on a few hundred random chunks."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from corpus.text.words import FTS5Stemmer
from index import docstore
from index import vectors as vectors_module
from index.attributes import ChunkAttributes, ChunkFilter, source_matches
from index.builder import update_index
from index.embedders.hashing import HashEmbedder
from index.generation import DOCS, Generations
from index.keyword import keyword_search
from index.search import Index
from index.vectors import HNSW_SQ8, VectorStore

from .fakes import MemoryStore, fts5_bm25, make_article

SOURCES = ["reuters.com", "uk.reuters.com", "nikkei.com", "asia.nikkei.com", "example.org", "Mixed.Example.org"]
WORDS = "nvidia asml tsmc huawei smic export licence tariff fab chips lithography sanctions rules china japan".split()
FILTERS = [
    ChunkFilter(since=date(2024, 1, 1)),
    ChunkFilter(until=date(2023, 6, 30)),
    ChunkFilter(since=date(2023, 3, 1), until=date(2024, 3, 1)),
    ChunkFilter(sources=("reuters.com",)),
    ChunkFilter(sources=("www.nikkei.com", "example.org")),
    ChunkFilter(since=date(2024, 6, 1), sources=("asia.nikkei.com",)),
    ChunkFilter(since=date(2030, 1, 1)),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(7)
    articles = []
    for a in range(80):
        published = None if rng.random() < 0.15 else date(2022, 1, 1) + timedelta(days=rng.randrange(1200))
        text = "\n".join(" ".join(rng.choices(WORDS, k=12)) for _ in range(rng.randint(2, 6)))
        articles.append(
            make_article(
                f"r{a}", text, title=" ".join(rng.choices(WORDS, k=4)), source=rng.choice(SOURCES), published=published
            )
        )
    data_dir = tmp_path_factory.mktemp("filters")
    update_index(data_dir, MemoryStore(articles), HashEmbedder())
    return data_dir


def _brute_force(conn: sqlite3.Connection, f: ChunkFilter) -> set[int]:
    kept = set()
    for vid, published, source in conn.execute(
        "SELECT c.vid, a.published, a.source FROM chunks c JOIN articles a ON a.id = c.article_id"
    ):
        day = date.fromisoformat(published) if published else None
        if (f.since or f.until) and day is None:
            continue
        if (f.since and day < f.since) or (f.until and day > f.until):
            continue
        if f.sources and not any(source_matches(source, s) for s in f.sources):
            continue
        kept.add(vid)
    return kept


def _reference_filtered(conn: sqlite3.Connection, query: str, limit: int, f: ChunkFilter) -> list[int]:
    """FTS5's bm25() ranking of the chunks, then the brute-force filter (ties by chunk id, scores
    compared in float32: the index keeps its weights in float32, and FTS5's own ties differ by 1e-21)."""
    scores = fts5_bm25(conn.execute("SELECT vid, title, text FROM chunks").fetchall(), query.split(), 1.5)
    kept = _brute_force(conn, f)
    return sorted((vid for vid in scores if vid in kept), key=lambda vid: (-np.float32(scores[vid]), vid))[:limit]


def test_mask_equals_brute_force_filter(built: Path) -> None:
    index = Index.open(built, HashEmbedder())
    loaded = index._loaded
    conn = loaded.conn()
    assert conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0] >= 200
    ids = loaded.vectors.position_ids()
    for f in FILTERS:
        expected = _brute_force(conn, f)
        assert set(ids[loaded.attributes.mask(f)].tolist()) == expected, f
    assert _brute_force(conn, ChunkFilter(until=date(2030, 1, 1))) < set(ids.tolist())  # undated never pass


def test_saved_arrays_equal_ones_recomputed_from_the_docstore(built: Path) -> None:
    folder = Generations(built).current()
    ids = Index.open(built, HashEmbedder())._loaded.vectors.position_ids()
    saved = ChunkAttributes.load(folder, ids)
    fresh = ChunkAttributes.from_docstore(sqlite3.connect(folder / DOCS), ids, np.ones(len(ids), bool))
    for f in FILTERS:
        assert np.array_equal(saved.mask(f), fresh.mask(f))


@pytest.mark.parametrize("f", FILTERS)
def test_filtered_keyword_search_equals_fts5_then_the_filter(built: Path, f: ChunkFilter) -> None:
    loaded = Index.open(built, HashEmbedder())._loaded
    allowed = loaded.keyword_allowed(loaded.attributes.mask(f) & loaded.live)
    got = keyword_search(loaded.postings, FTS5Stemmer(), "nvidia export licence", 10, title_weight=1.5, allowed=allowed)
    expected = _reference_filtered(loaded.conn(), "nvidia export licence", 10, f)
    assert [vid for vid, _ in sorted(got, key=lambda hit: (-np.float32(hit[1]), hit[0]))] == expected
    assert expected or f.since == date(2030, 1, 1)


@pytest.mark.parametrize("f", FILTERS[:6])
def test_filtered_search_returns_only_articles_that_pass(built: Path, f: ChunkFilter) -> None:
    index = Index.open(built, HashEmbedder())
    passing = {
        aid
        for (aid,) in index._loaded.conn().execute(
            f"SELECT article_id FROM chunks WHERE vid IN ({','.join(map(str, _brute_force(index._loaded.conn(), f)))})"
        )
    }
    result = index.search(
        "nvidia chips export", k=10, since=f.since, until=f.until, sources=list(f.sources), today=date(2026, 1, 1)
    )
    assert result.hits
    assert {h.article.id for h in result.hits} <= passing
    assert len(result.hits) == min(10, len(passing))


@pytest.mark.parametrize("exact_limit", [10_000, 0])  # exact scan of the allowed vectors; HNSW walk
def test_hnsw_mask_search_matches_exact_filtered_search(exact_limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors_module, "EXACT_FILTER_LIMIT", exact_limit)
    rng = np.random.default_rng(3)
    data = rng.standard_normal((3000, 32)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    store = VectorStore(32, HNSW_SQ8)
    store.add(np.arange(3000) * 11, data)
    store.remove(np.arange(0, 300) * 11)  # tombstones
    mask = (rng.random(3000) < 0.3) & store.live_mask()
    recalls = []
    for q in data[:20]:
        _, got = store.search(q[None, :], 10, mask=mask)
        got_ids = [int(i) for i in got[0] if i >= 0]
        assert all(mask[i // 11] for i in got_ids)
        allowed = np.flatnonzero(mask)
        expected = (allowed[np.argsort(-(data[allowed] @ q))[:10]] * 11).tolist()
        recalls.append(len(set(got_ids) & set(expected)) / 10)
    assert np.mean(recalls) >= 0.95


def test_a_replaced_vector_is_found_at_its_live_position() -> None:
    conn = sqlite3.connect(":memory:")
    conn.executescript(docstore.SCHEMA)
    docstore.upsert_articles(conn, [make_article("x", "text", source="reuters.com", published=date(2025, 1, 2))])
    conn.executemany("INSERT INTO chunks VALUES (?, ?, 'x', 0, 0, 4, '', 'text', 'k')", [(5, "c5"), (9, "c9")])
    store = VectorStore(8, HNSW_SQ8)
    data = np.eye(8, dtype=np.float32)[:3]
    store.add([5, 9], data[:2])
    store.add([5], data[2:])  # replaced: position 0 is a tombstone that still carries id 5
    live = store.live_mask()
    attributes = ChunkAttributes.from_docstore(conn, store.position_ids(), live)
    mask = attributes.mask(ChunkFilter(sources=("reuters.com",))) & live
    assert mask.tolist() == [False, True, True]
    position, found = attributes.positions(np.array([5, 9, 7]))
    assert found.tolist() == [True, True, False] and position[:2].tolist() == [2, 1]  # id 5's live position


def test_source_mask_is_the_same_for_few_and_many_wanted_sources() -> None:
    names = [f"s{i}.example" for i in range(12)] + ["news.s3.example"]
    sources = np.array([i % 14 - 1 for i in range(140)], dtype=np.int32)  # -1 = no source
    attrs = ChunkAttributes(
        np.arange(140), np.ones(140, np.int32), sources, np.arange(140), names, np.zeros(140, np.int32), ["a0"]
    )
    for wanted in (("s3.example",), tuple(names[:10])):
        expected = [source >= 0 and any(source_matches(names[source], w) for w in wanted) for source in sources]
        assert attrs.mask(ChunkFilter(sources=wanted)).tolist() == expected
    assert attrs.mask(ChunkFilter(sources=("s3.example",))).sum() == 20  # the subdomain counts too


def test_describe_gives_each_chunks_article_and_date_as_the_docstore_does(built: Path) -> None:
    loaded = Index.open(built, HashEmbedder())._loaded
    rows = (
        loaded.conn()
        .execute("SELECT c.vid, a.id, a.published FROM chunks c JOIN articles a ON a.id = c.article_id")
        .fetchall()
    )
    expected = {vid: (aid, date.fromisoformat(p) if p else None) for vid, aid, p in rows}
    assert any(day is None for _, day in expected.values()) and len(set(expected.values())) > 10
    assert loaded.attributes.describe([*list(expected), 12345]) == expected  # unknown ids are left out


def test_lookups_on_an_index_without_live_chunks_find_nothing() -> None:
    empty = ChunkAttributes(
        np.zeros(0, np.int64),
        np.zeros(0, np.int32),
        np.zeros(0, np.int32),
        np.zeros(0, np.int64),
        [],
        np.zeros(0, np.int32),
        [],
    )
    assert empty.positions(np.array([5, 9]))[1].tolist() == [False, False]
    assert empty.describe([5, 9]) == {}
