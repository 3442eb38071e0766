"""Hybrid retrieval over the current index generation: dense (FAISS) + BM25 (postings), fused and
grouped by article, with source/date filters and recency understood from the question.

``Index`` is safe for concurrent readers: the loaded generation is an immutable snapshot swapped
by reference, FAISS searches are read-only, and each thread gets its own SQLite connection.
Embedding is CPU work: call ``search`` from a worker thread, never on an asyncio loop.

The generation being served is leased (``generation.take_lease``) from before its files are opened
until the last search using it has finished after a swap, so builds in other processes never delete
it under a reader; a search that started on the old generation finishes on it.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from corpus.text.words import FTS5Stemmer
from corpus.types import Article, Chunk

from . import docstore, sentences
from .attributes import ChunkAttributes, ChunkFilter
from .embed import Embedder
from .errors import CorruptGeneration, IndexNotFound, ModelMismatch
from .fusion import (
    FusionWeights,
    TopicFloor,
    apply_date_preferences,
    chunk_fingerprint,
    fold_copies,
    fuse,
    group,
    newest_dated,
)
from .generation import DOCS, VECTORS, Generations, Lease, Manifest, take_lease
from .keyword import keyword_search
from .postings import Postings, tokenize
from .sentences import SentenceVectors
from .timeparse import parse_time, topic_of
from .types import Embedded, Hit, SearchResult
from .vectors import VectorStore

log = logging.getLogger(__name__)

LOAD_ATTEMPTS = 5  # CURRENT moved on while we were leasing it: try the newer one
LATEST_POOL = 30  # hits a /latest topic is searched for, before its relevance floor
FINGERPRINT_CACHE = 50_000  # chunks whose copy fingerprint a generation keeps (some 400 bytes each)


@dataclass(frozen=True)
class SearchTuning:
    candidates: int = 50  # chunks taken from each retriever before fusion (at least 10 * k)
    title_weight: float = 1.5  # BM25 weight of the title column relative to the chunk text
    weights: FusionWeights = field(default_factory=FusionWeights)
    topic_floor: TopicFloor | None = None  # what counts as about a /latest topic (None: the embedder's)


class _Loaded:
    """One published generation, opened read-only, leased until this object is dropped or closed."""

    def __init__(self, folder: Path, manifest: Manifest, lease: Lease) -> None:
        self.folder, self.manifest = folder, manifest
        # Released when the last reference goes (the swap, then the last search on it), or by close().
        self.close = weakref.finalize(self, lease.release)
        try:
            self.vectors = VectorStore.load(folder / VECTORS, manifest.index_type)
        except (RuntimeError, OSError) as exc:
            raise CorruptGeneration(folder, str(exc)) from exc
        self._local = threading.local()
        self._fingerprints: dict[int, tuple[str | None, str]] = {}
        self.live = self.vectors.live_mask()
        position_ids = self.vectors.position_ids()
        try:
            attributes = ChunkAttributes.load(folder, position_ids)
        except (ValueError, OSError) as exc:
            raise CorruptGeneration(folder, str(exc)) from exc
        if attributes is None:  # a generation written before the arrays existed
            log.info("computing filter attributes of %s from its docstore", folder.name)
            attributes = ChunkAttributes.from_docstore(self.conn(), position_ids, self.live)
        self.attributes = attributes
        try:
            postings = Postings.load(folder)
        except (ValueError, OSError) as exc:
            raise CorruptGeneration(folder, str(exc)) from exc
        if postings is None:  # a generation written before the postings existed
            log.info("computing keyword postings of %s from its docstore", folder.name)
            postings = tokenize(self.conn().execute("SELECT vid, title, text FROM chunks"))
        self.postings = postings
        # Each keyword document's vector position, to apply a filter mask to keyword hits.
        self.doc_positions, self.doc_live = attributes.positions(np.asarray(postings.vids))

    def conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = docstore.connect_readonly(self.folder / DOCS)
        return conn

    def fingerprints(self, vids: list[int]) -> dict[int, tuple[str | None, str]]:
        """``fusion.chunk_fingerprint`` of these chunks, kept for the next searches (up to
        ``FINGERPRINT_CACHE`` chunks: the leads of the articles questions keep finding)."""
        known = self._fingerprints  # shared by the threads searching this generation
        found = {vid: kept for vid in vids if (kept := known.get(vid)) is not None}  # one read each
        missing = [vid for vid in vids if vid not in found]
        if missing:
            rows = _texts_and_titles(self.conn(), missing)
            fresh = {vid: chunk_fingerprint(text, title) for vid, (text, title) in rows.items()}
            if len(known) + len(fresh) > FINGERPRINT_CACHE:
                known.clear()
            known.update(fresh)
            found.update(fresh)
        return found

    def keyword_allowed(self, mask: np.ndarray | None) -> Callable[[np.ndarray], np.ndarray] | None:
        """Which keyword documents a vector-position ``mask`` lets through (None: all)."""
        if mask is None:
            return None
        return lambda docs: self.doc_live[docs] & mask[self.doc_positions[docs]]


class Index:
    """The current generation of ``data_dir``, searched by meaning and by words at once.

    >>> import tempfile
    >>> from corpus.pipeline import ingest
    >>> from corpus.sample import SAMPLE_PATH
    >>> from corpus.store import open_store
    >>> from index.builder import update_index
    >>> from index.embedders.hashing import HashEmbedder  # a model-free stand-in
    >>> data_dir = Path(tempfile.mkdtemp())
    >>> with open_store(data_dir) as store:
    ...     _ = ingest([str(SAMPLE_PATH)], store)
    ...     _ = update_index(data_dir, store, HashEmbedder())
    >>> index = Index.open(data_dir, HashEmbedder())
    >>> [hit.article.title for hit in index.search("Nexperia Dutch government control", k=1).hits]
    ['Dutch government intervenes in Chinese-owned chipmaker Nexperia']
    """

    def __init__(self, data_dir: Path, embedder: Embedder, tuning: SearchTuning | None = None) -> None:
        self.data_dir, self.embedder = data_dir, embedder
        self.tuning = tuning or SearchTuning()
        self.topic_floor = self.tuning.topic_floor or TopicFloor.for_backend(embedder.backend)
        self._generations = Generations(data_dir)
        self._lock = threading.Lock()
        self._stemmer = FTS5Stemmer()
        self._loaded = self._load()

    @classmethod
    def open(cls, data_dir: Path, embedder: Embedder, tuning: SearchTuning | None = None) -> Index:
        return cls(data_dir, embedder, tuning)

    def _load(self) -> _Loaded:
        for _ in range(LOAD_ATTEMPTS):
            folder = self._generations.current()
            if folder is None:
                raise IndexNotFound(self.data_dir)
            lease = take_lease(folder)
            if lease is None:  # pruned between reading CURRENT and leasing it: CURRENT is newer now
                continue
            try:
                manifest = Manifest.read(folder)
                if manifest.model != self.embedder.name or manifest.dim != self.embedder.dim:
                    raise ModelMismatch(manifest.model, manifest.dim, self.embedder.name, self.embedder.dim)
                return _Loaded(folder, manifest, lease)
            except BaseException:
                lease.release()
                raise
        raise CorruptGeneration(self.data_dir / "index", "generations kept being replaced while one was opened")

    def close(self) -> None:
        """Let the served generation go (its lease), for a reader that is done with the index."""
        self._loaded.close()

    def reload_if_changed(self) -> bool:
        """Switch to a newer generation if one was published; True when it switched."""
        with self._lock:
            if self._generations.current() == self._loaded.folder:
                return False
            self._loaded = self._load()
            return True

    @property
    def manifest(self) -> Manifest:
        return self._loaded.manifest

    @property
    def generation(self) -> str:
        """The name of the generation being served (``gen-NNNNNN``)."""
        return self._loaded.folder.name

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        since: date | None = None,
        until: date | None = None,
        sources: list[str] | None = None,
        today: date | None = None,
        vector: np.ndarray | None = None,
        known: Embedded | None = None,
    ) -> SearchResult:
        """``vector``: the embedding of the query's topic (``timeparse.topic_of``) made beforehand with
        this index's embedder, e.g. one batch for many queries; embedded here when None. ``known``: a
        text this index's embedder embedded and its vector (another search's
        ``SearchResult.embedding``), used when the query's topic is that same text."""
        loaded = self._loaded  # one consistent generation for the whole search
        timings: dict[str, float] = {}
        started = time.perf_counter()
        intent = parse_time(query, today or date.today())
        since = max(filter(None, (since, intent.since)), default=None)
        until = min(filter(None, (until, intent.until)), default=None)
        result = SearchResult(query, [], since, until, sources, intent.phrase, timings)
        chunk_filter = ChunkFilter(since, until, tuple(sources or ()))
        n = max(self.tuning.candidates, 10 * k)
        topic = topic_of(query, intent)

        if vector is None and known is not None and known[0] == topic:
            vector = known[1]
        mark = time.perf_counter()
        qvec = self.embedder.embed([topic]) if vector is None else np.asarray(vector, np.float32).reshape(1, -1)
        result.query_vector, result.embedded = qvec[0], topic
        timings["embed"] = _ms(mark)
        mark = time.perf_counter()
        mask = None
        if chunk_filter.active:
            mask = loaded.attributes.mask(chunk_filter) & loaded.live
            if not mask.any():
                timings["total"] = _ms(started)
                return result
            timings["filter"] = _ms(mark)
            mark = time.perf_counter()
        scores, ids = loaded.vectors.search(qvec, n, mask=mask)
        dense = {int(i): float(s) for s, i in zip(scores[0], ids[0]) if i >= 0}
        timings["dense"] = _ms(mark)
        mark = time.perf_counter()
        keyword = dict(
            keyword_search(
                loaded.postings,
                self._stemmer,
                topic,
                n,
                title_weight=self.tuning.title_weight,
                allowed=loaded.keyword_allowed(mask),
            )
        )
        timings["keyword"] = _ms(mark)

        mark = time.perf_counter()
        hits = self._rank(loaded, dense, keyword, k, intent.prefer_recent, intent.around)
        result.hits = hits
        timings["fuse"] = _ms(mark)
        timings["total"] = _ms(started)
        return result

    def _rank(
        self,
        loaded: _Loaded,
        dense: dict[int, float],
        keyword: dict[int, float],
        k: int,
        prefer_recent: bool,
        around: tuple[date, date] | None,
    ) -> list[Hit]:
        weights = self.tuning.weights
        fused = fuse(list(dense), list(keyword), weights)
        if not fused:
            return []
        conn = loaded.conn()
        described = loaded.attributes.describe([c.vid for c in fused])  # arrays: no SQL per candidate
        fused = [c for c in fused if c.vid in described]
        groups = group(fused, {vid: article for vid, (article, _) in described.items()}, weights)
        published = dict(described.values())
        groups = apply_date_preferences(groups, published, weights, prefer_recent=prefer_recent, around=around)
        groups = groups[: max(4 * k, 20)]  # copies only need folding where they could crowd the top k
        prints = loaded.fingerprints([g.chunks[0].vid for g in groups])
        fingerprints = {g.article_id: prints[g.chunks[0].vid] for g in groups}
        groups = fold_copies(groups, fingerprints)[:k]
        chunks = _chunks_by_vid(conn, [c.vid for g in groups for c in g.chunks])
        articles = {a.id: a for a in _articles(conn, [g.article_id for g in groups])}
        hits = []
        for g in groups:
            dense_scores = [dense[c.vid] for c in g.chunks if c.vid in dense]
            keyword_scores = [keyword[c.vid] for c in g.chunks if c.vid in keyword]
            best = g.chunks[0]
            hits.append(
                Hit(
                    article=articles[g.article_id],
                    chunk=chunks[best.vid],
                    score=g.score,
                    dense_rank=best.dense_rank,
                    keyword_rank=best.keyword_rank,
                    chunks=[chunks[c.vid] for c in g.chunks[1:]],
                    dense_score=max(dense_scores, default=None),
                    keyword_score=max(keyword_scores, default=None),
                    copies=g.copies,
                )
            )
        return hits

    def sentence_vectors(self, article_ids: list[str]) -> dict[str, SentenceVectors]:
        """The quote sentences of these articles with their vectors, computed at indexing time."""
        return sentences.load(self._loaded.conn(), article_ids, self.embedder.dim)

    def article(self, article_id: str) -> Article | None:
        conn = self._loaded.conn()
        row = conn.execute("SELECT article_id FROM alternate_ids WHERE alt_id = ?", (article_id,)).fetchone()
        found = _articles(conn, [row[0] if row else article_id])
        return found[0] if found else None

    def chunks(self, article_id: str) -> list[Chunk]:
        rows = self._loaded.conn().execute(
            f"SELECT {docstore.CHUNK_COLUMNS} FROM chunks WHERE article_id = ? ORDER BY ordinal", (article_id,)
        )
        return [docstore.row_to_chunk(r) for r in rows]

    def articles(self) -> Iterator[Article]:
        """All articles, newest first (undated last)."""
        rows = self._loaded.conn().execute(
            f"SELECT {docstore.ARTICLE_COLUMNS} FROM articles ORDER BY published IS NULL, published DESC, id"
        )
        for row in rows:
            yield docstore.row_to_article(row)

    def outlets(self) -> list[tuple[str, int, date | None]]:
        """(source, article count, newest publication date) per outlet, counted in SQL."""
        rows = self._loaded.conn().execute("SELECT source, COUNT(*), MAX(published) FROM articles GROUP BY source")
        return [(source, count, date.fromisoformat(newest) if newest else None) for source, count, newest in rows]

    def latest(self, n: int, topic: str | None = None) -> list[Article]:
        """The ``n`` newest dated articles, about ``topic`` when given (undated ones never count)."""
        if topic is None:
            rows = self._loaded.conn().execute(
                f"SELECT {docstore.ARTICLE_COLUMNS} FROM articles WHERE published IS NOT NULL "
                "ORDER BY published DESC, id LIMIT ?",
                (n,),
            )
            return [docstore.row_to_article(r) for r in rows]
        return self.latest_about(self.search(topic, k=max(3 * n, LATEST_POOL)).hits, n)

    def latest_about(self, hits: list[Hit], n: int, floor: TopicFloor | None = None) -> list[Article]:
        """The ``n`` newest dated articles among ``hits`` that pass the topic floor (``None``: this
        index's tuning); empty when none does, i.e. the index has nothing about the topic."""
        floor = floor or self.topic_floor
        return newest_dated(h.article for h in hits if floor.keeps(h.score, h.dense_score, self.tuning.weights))[:n]

    def stats(self) -> dict[str, object]:
        loaded = self._loaded
        conn = loaded.conn()
        dated, newest, oldest, sources = conn.execute(
            "SELECT COUNT(published), MAX(published), MIN(published), COUNT(DISTINCT source) FROM articles"
        ).fetchone()
        m = loaded.manifest
        return {
            "generation": loaded.folder.name,
            "articles": m.articles,
            "chunks": m.chunks,
            "dated_articles": dated,
            "sources": sources,
            "oldest": oldest,
            "newest": newest,
            "model": m.model,
            "dim": m.dim,
            "backend": m.backend,
            "index_type": m.index_type,
            "built_at": m.built_at,
            "query_backend": self.embedder.backend,
        }


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


def _texts_and_titles(conn, vids: list[int]) -> dict[int, tuple[str, str]]:
    rows = conn.execute(f"SELECT vid, text, title FROM chunks WHERE vid IN ({','.join('?' * len(vids))})", vids)
    return {vid: (text, title) for vid, text, title in rows}


def _chunks_by_vid(conn, vids: list[int]) -> dict[int, Chunk]:
    rows = conn.execute(
        f"SELECT vid, {docstore.CHUNK_COLUMNS} FROM chunks WHERE vid IN ({','.join('?' * len(vids))})", vids
    )
    return {r[0]: docstore.row_to_chunk(r[1:]) for r in rows}


def _articles(conn, ids: list[str]) -> list[Article]:
    if not ids:
        return []
    rows = conn.execute(
        f"SELECT {docstore.ARTICLE_COLUMNS} FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids
    )
    return [docstore.row_to_article(r) for r in rows]
