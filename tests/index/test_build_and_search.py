from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from corpus.text.sentences import sentence_spans
from corpus.types import Alternate
from index.builder import update_index
from index.embed_cache import text_key
from index.embedders.hashing import HashEmbedder
from index.errors import IndexNotFound, ModelMismatch
from index.generation import DOCS, Generations, Manifest
from index.postings import Postings
from index.search import Index
from index.sentences import in_context

from .fakes import ARTICLES, CountingEmbedder, MemoryStore, make_article

TODAY = date(2026, 1, 21)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore(ARTICLES)


@pytest.fixture
def index(data_dir: Path, store: MemoryStore) -> Index:
    update_index(data_dir, store, HashEmbedder())
    return Index.open(data_dir, HashEmbedder())


def _vector_and_chunk_counts(data_dir: Path) -> tuple[int, int]:
    folder = Generations(data_dir).current()
    conn = sqlite3.connect(folder / DOCS)
    chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    keyword_ids = Postings.load(folder).vids.tolist()
    assert sorted(keyword_ids) == sorted(vid for (vid,) in conn.execute("SELECT vid FROM chunks"))
    from index.vectors import VectorStore

    manifest = Manifest.read(folder)
    return len(VectorStore.load(folder / "vectors.faiss", manifest.index_type)), chunks


def test_search_ranks_the_article_that_shares_the_rare_words_first(index: Index) -> None:
    result = index.search("Which lithography machine needs approval from The Hague?", k=3, today=TODAY)
    assert result.hits[0].article.id == "a2"
    hit = result.hits[0]
    assert hit.article.text[hit.chunk.start : hit.chunk.end] == hit.chunk.text
    assert "The Hague" in hit.chunk.text
    assert hit.keyword_rank == 1 and hit.dense_score is not None
    assert len({h.article.id for h in result.hits}) == len(result.hits)  # grouped by article
    assert set(result.timings_ms) >= {"embed", "dense", "keyword", "total"}


def test_source_and_date_filters(index: Index) -> None:
    by_source = index.search("chips subsidies Japan", k=5, sources=["asia.example"], today=TODAY)
    assert {h.article.id for h in by_source.hits} == {"a3", "a5"}
    window = index.search("chips", k=5, since=date(2024, 1, 1), until=date(2024, 12, 31), today=TODAY)
    assert [h.article.id for h in window.hits] == ["a3"]
    nothing = index.search("chips", since=date(2030, 1, 1), today=TODAY)
    assert nothing.hits == []


def test_recent_phrases_filter_and_undated_articles_are_never_new(index: Index) -> None:
    result = index.search("Huawei Ascend news in the past 3 weeks", k=5, today=date(2025, 7, 30))
    assert result.since == date(2025, 7, 9) and result.recency
    assert [h.article.id for h in result.hits] == ["a5"]  # a4 (undated) matches the words but is not new
    latest = index.latest(2)
    assert [a.id for a in latest] == ["a5", "a1"]
    assert all(a.published for a in index.latest(10, topic="Huawei Ascend chips"))


def test_latest_boosts_newer_articles(index: Index) -> None:
    plain = index.search("Japan subsidies chip fab", k=2, today=TODAY)
    recent = index.search("latest Japan subsidies chip fab", k=2, today=TODAY)
    assert recent.recency == "latest"
    assert recent.hits[0].article.published >= plain.hits[0].article.published
    # The question's vector embeds its topic, without the time words: the result says which text.
    assert recent.embedded == plain.embedded == "Japan subsidies chip fab"
    assert np.array_equal(recent.query_vector, index.embedder.embed(["Japan subsidies chip fab"])[0])
    # Another search's embedding of the same topic is used, not made again; of another text, not.
    given = np.roll(recent.query_vector, 1)  # any vector: the search takes it as the topic's
    reused = index.search("Japan subsidies chip fab", known=(recent.embedded, given))
    embedded = index.search("Japan subsidies chip fab", known=("Japan", given))
    assert np.array_equal(reused.query_vector, given) and np.array_equal(embedded.query_vector, plain.query_vector)


def test_incremental_update_embeds_only_new_chunks_and_leaves_no_orphans(data_dir: Path, store: MemoryStore) -> None:
    embedder = CountingEmbedder()
    first = update_index(data_dir, store, embedder)
    sentences = {a.id: [a.text[s.start : s.end] for s in sentence_spans(a.text)] for a in ARTICLES}
    alone = {t for texts in sentences.values() for t in texts}
    read_in_context = {t for a in ARTICLES for t in in_context(a.title, sentences[a.id])}
    # Chunks, then each sentence alone and in context.
    assert first.embedded == first.chunks == len(embedder.embedded) - len(alone | read_in_context)
    assert alone | read_in_context <= set(embedder.embedded)

    embedder.embedded.clear()
    assert not update_index(data_dir, store, embedder).changed  # nothing to do
    edited = replace(ARTICLES[0], text=ARTICLES[0].text + "\nThe rule took effect at once.")
    store.put(edited)
    store.delete("a2")
    store.put(
        make_article(
            "a6",
            "Micron chips were barred from critical infrastructure in China.",
            title="China bars Micron",
            published=date(2023, 5, 21),
        )
    )
    report = update_index(data_dir, store, embedder)
    assert report.changed and report.generation == "gen-000002"
    assert sorted(embedder.embedded) == sorted(
        [
            "US curbs Nvidia H20 sales to China\nThe rule took effect at once.",
            "China bars Micron\nMicron chips were barred from critical infrastructure in China.",
            "The rule took effect at once.",  # the sentences nobody embedded before
            "Micron chips were barred from critical infrastructure in China.",
            f"{edited.title}. {sentences['a1'][-1]} The rule took effect at once.",  # ... and in context
            "China bars Micron. Micron chips were barred from critical infrastructure in China.",
        ]
    )
    assert report.removed == 2  # a2's two chunks; a1's unchanged chunks stay
    vectors, chunks = _vector_and_chunk_counts(data_dir)
    assert vectors == chunks == report.chunks
    index = Index.open(data_dir, embedder)
    assert index.article("a2") is None
    assert index.search("Micron infrastructure", k=1).hits[0].article.id == "a6"

    vectors_of = index.sentence_vectors(["a1", "a6", "a2"])
    assert set(vectors_of) == {"a1", "a6"}  # a2 is gone, and so are its sentences
    a1 = vectors_of["a1"]
    assert [edited.text[a:b] for a, b in a1.spans] == [
        edited.text[s.start : s.end] for s in sentence_spans(edited.text)
    ]
    expected = embedder.embed([edited.text[a:b] for a, b in a1.spans])
    assert np.allclose(a1.vectors, expected, atol=2e-3)  # stored as float16
    assert a1.context is not None
    expected = embedder.embed(in_context(edited.title, [edited.text[a:b] for a, b in a1.spans]))
    assert np.allclose(a1.context, expected, atol=2e-3)

    embedder.embedded.clear()  # a rebuild takes every vector from the cache
    assert update_index(data_dir, store, embedder, rebuild=True).embedded == 0
    assert embedder.embedded == []


def test_sentences_cut_by_an_older_splitter_are_cut_again_on_the_next_update(
    data_dir: Path, store: MemoryStore
) -> None:
    update_index(data_dir, store, HashEmbedder())
    with sqlite3.connect(Generations(data_dir).current() / DOCS) as conn:  # as the first splitter left them
        texts = dict(conn.execute("SELECT id, text FROM articles").fetchall())
        for article_id, text in texts.items():
            conn.execute(
                "UPDATE sentences SET text_key = ?, spans = ? WHERE article_id = ?",
                (text_key(text), np.zeros(2, np.int32).tobytes(), article_id),
            )
    embedder = CountingEmbedder()
    report = update_index(data_dir, store, embedder)
    assert report.changed and report.embedded == 0  # a new generation; its sentences come from the cache
    article = ARTICLES[0]
    spans = Index.open(data_dir, HashEmbedder()).sentence_vectors([article.id])[article.id].spans
    assert [tuple(s) for s in spans.tolist()] == [(s.start, s.end) for s in sentence_spans(article.text)]
    assert not update_index(data_dir, store, embedder).changed  # and once cut, they stay


def test_sentence_rows_from_before_the_context_vectors_are_read_and_redone_on_the_next_update(
    data_dir: Path, store: MemoryStore
) -> None:
    update_index(data_dir, store, HashEmbedder())
    with sqlite3.connect(Generations(data_dir).current() / DOCS) as conn:  # as the older layout left them
        conn.executescript(
            """
            CREATE TABLE old AS SELECT article_id, text_key, spans, vectors FROM sentences;
            DROP TABLE sentences;
            ALTER TABLE old RENAME TO sentences;
            """
        )
    article = ARTICLES[0]
    before = Index.open(data_dir, HashEmbedder()).sentence_vectors([article.id])[article.id]
    assert before.context is None and len(before.vectors) == len(before.spans) > 0  # still read
    report = update_index(data_dir, store, CountingEmbedder())
    assert report.changed and report.embedded == 0  # chunks unchanged; the rows are redone
    after = Index.open(data_dir, HashEmbedder()).sentence_vectors([article.id])[article.id]
    assert after.context is not None and after.context.shape == after.vectors.shape
    assert np.array_equal(after.vectors, before.vectors)


def test_a_generation_from_before_the_postings_is_searched_and_migrated(data_dir: Path, store: MemoryStore) -> None:
    update_index(data_dir, store, HashEmbedder())
    folder = Generations(data_dir).current()
    expected = Index.open(data_dir, HashEmbedder()).search("Hague lithography approval", k=3, today=TODAY)
    for path in folder.glob("kw.*"):  # as the generation was written before: FTS5 tables, no arrays
        path.unlink()
    with sqlite3.connect(folder / DOCS) as conn:
        conn.execute("CREATE VIRTUAL TABLE chunks_fts USING fts5(title, text, content='chunks', content_rowid='vid')")
        conn.execute("CREATE TABLE term_df (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID")
    old = Index.open(data_dir, HashEmbedder()).search("Hague lithography approval", k=3, today=TODAY)
    assert [(h.article.id, h.keyword_rank) for h in old.hits] == [(h.article.id, h.keyword_rank) for h in expected.hits]

    store.put(make_article("a8", "Gallium exports need a licence.", title="Gallium licences"))
    update_index(data_dir, store, HashEmbedder())
    folder = Generations(data_dir).current()
    assert Postings.load(folder) is not None
    names = {name for (name,) in sqlite3.connect(folder / DOCS).execute("SELECT name FROM sqlite_master")}
    assert not names & {"chunks_fts", "term_df"}
    assert Index.open(data_dir, HashEmbedder()).search("gallium", k=1).hits[0].article.id == "a8"


def test_reader_sees_new_generation_only_after_reload(data_dir: Path, store: MemoryStore, index: Index) -> None:
    assert not index.reload_if_changed()
    store.put(make_article("a7", "Samsung will invest in a Texas packaging plant.", title="Samsung Texas plant"))
    update_index(data_dir, store, HashEmbedder())
    assert index.article("a7") is None
    assert index.reload_if_changed()
    assert index.article("a7") is not None
    assert index.stats()["articles"] == len(ARTICLES) + 1


def test_copies_are_folded_and_alternate_ids_resolve(data_dir: Path) -> None:
    original = make_article(
        "s1",
        "Officials confirmed the new gallium export licences on Monday.",
        title="China tightens gallium and germanium export licences",
        source="one.example",
        alternates=[Alternate(url="https://x.example/g", source="x.example", article_id="s9")],
    )
    copy = make_article(
        "s2",
        "Officials confirmed the new gallium export licences on Monday.",
        title="China tightens gallium and germanium export licences",
        source="two.example",
    )
    other = make_article("s3", "Gallium prices rose after the licences.", title="Gallium prices rise")
    update_index(data_dir, MemoryStore([original, copy, other]), HashEmbedder())
    index = Index.open(data_dir, HashEmbedder())
    hits = index.search("gallium export licences", k=3).hits
    assert [h.article.id for h in hits][:2] in (["s1", "s3"], ["s2", "s3"])
    assert hits[0].copies in (["s2"], ["s1"])
    assert index.article("s9").id == "s1"


def test_copy_fingerprints_are_read_once_per_generation_and_bounded(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = make_article("s1", "Officials confirmed the gallium licences.", title="China tightens gallium licences")
    update_index(data_dir, MemoryStore([article]), HashEmbedder())
    loaded = Index.open(data_dir, HashEmbedder())._loaded
    vid = int(loaded.conn().execute("SELECT vid FROM chunks").fetchone()[0])
    first = loaded.fingerprints([vid])
    assert first == {vid: ("china tightens gallium licences", "officials confirmed the gallium licences")}
    reads = []
    loaded._local.conn = _Recording(loaded.conn(), reads)
    assert loaded.fingerprints([vid]) == first and not reads  # kept: no read of the docstore
    monkeypatch.setattr("index.search.FINGERPRINT_CACHE", 1)
    loaded._fingerprints = {-1: (None, "another chunk")}  # full: the next chunk read empties it first
    assert loaded.fingerprints([vid]) == first and len(reads) == 1 and list(loaded._fingerprints) == [vid]


class _Recording:
    """A connection that records the queries it runs."""

    def __init__(self, conn: sqlite3.Connection, reads: list[str]) -> None:
        self._conn, self._reads = conn, reads

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        self._reads.append(sql)
        return self._conn.execute(sql, *args)


def test_index_built_with_another_model_is_refused(data_dir: Path, store: MemoryStore) -> None:
    update_index(data_dir, store, HashEmbedder(dim=64))
    with pytest.raises(ModelMismatch, match="chipbot reindex"):
        Index.open(data_dir, HashEmbedder(dim=384))
    with pytest.raises(ModelMismatch):
        update_index(data_dir, store, HashEmbedder(dim=384))
    assert update_index(data_dir, store, HashEmbedder(dim=384), rebuild=True).changed


def test_model_mismatch_says_which_setting_keeps_the_index() -> None:
    name = "sentence-transformers/all-MiniLM-L6-v2"
    assert "CHIPBOT_EMBED_BACKEND=onnx-int8" in str(ModelMismatch(name + "+int8", 384, name, 384))
    assert "CHIPBOT_EMBED_BACKEND=auto" in str(ModelMismatch(name, 384, name + "+int8", 384))
    assert f"CHIPBOT_MODEL='{name}'" in str(ModelMismatch(name, 384, "other-model", 768))


def test_missing_index_says_how_to_build_it(data_dir: Path) -> None:
    with pytest.raises(IndexNotFound, match="chipbot"):
        Index.open(data_dir, HashEmbedder())


def test_concurrent_searches_from_threads(index: Index) -> None:
    errors: list[BaseException] = []
    expected = index.search("Rapidus 2nm prototype", k=2).hits[0].article.id

    def worker() -> None:
        try:
            for _ in range(20):
                assert index.search("Rapidus 2nm prototype", k=2).hits[0].article.id == expected
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_outlets_count_articles_per_source_with_the_newest_date(index: Index) -> None:
    expected: dict[str, tuple[int, date | None]] = {}
    for article in index.articles():
        count, newest = expected.get(article.source, (0, None))
        if article.published and (newest is None or article.published > newest):
            newest = article.published
        expected[article.source] = (count + 1, newest)
    assert {source: (n, newest) for source, n, newest in index.outlets()} == expected
    assert sum(n for _, n, _ in index.outlets()) == index.stats()["articles"]
