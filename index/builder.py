"""Incremental index builds: diff the article store against the current generation, embed only
what is new (through the cache), and publish the result as a new generation atomically."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.types import Article, Chunk

from . import docstore, sentences
from .attributes import ChunkAttributes
from .embed import Embedder
from .embed_cache import EmbeddingCache, text_key
from .errors import IndexStorageError, ModelMismatch
from .generation import DOCS, VECTORS, Generations, Manifest
from .postings import Postings, tokenize
from .vectors import FLAT, VectorStore, choose_kind

log = logging.getLogger(__name__)

EMBED_BATCH = 256
REBUILD_TOMBSTONE_SHARE = 0.1  # rebuild an HNSW index once this share of it is deleted


class ArticleSource(Protocol):
    """What the builder needs from ``corpus.store.ArticleStore``."""

    def articles(self) -> Iterator[Article]: ...

    def chunks(self, article_id: str) -> list[Chunk]: ...


@dataclass
class BuildReport:
    generation: str | None  # None when nothing changed and no generation was written
    articles: int
    chunks: int
    added: int  # chunks new to the index
    removed: int  # chunks of updated or deleted articles taken out
    embedded: int  # chunks that had to be embedded (the rest came from the cache)
    index_type: str
    backend: str
    seconds: float

    @property
    def changed(self) -> bool:
        return self.generation is not None


def embed_text(title: str | None, chunk_text: str) -> str:
    """What is embedded for a chunk: its article's title gives the passage its subject."""
    return f"{title}\n{chunk_text}" if title else chunk_text


def _library_versions(backend: str) -> dict[str, str]:
    libraries = {"onnx": ["onnxruntime", "tokenizers"], "torch": ["torch", "sentence-transformers"]}
    names = ["faiss-cpu", "numpy", *libraries.get(backend.removesuffix("-int8"), [])]
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _embed_missing(
    keys_texts: dict[str, str], cache: EmbeddingCache, embedder: Embedder, progress: bool
) -> tuple[dict[str, np.ndarray], int]:
    vectors = cache.get_many(keys_texts)
    missing = [k for k in keys_texts if k not in vectors]
    bar = None
    if progress and missing:
        from tqdm import tqdm

        bar = tqdm(total=len(missing), unit="chunk", desc="embedding")
    for start in range(0, len(missing), EMBED_BATCH):
        batch = missing[start : start + EMBED_BATCH]
        fresh = dict(zip(batch, embedder.embed([keys_texts[k] for k in batch])))
        cache.put_many(fresh)  # committed per batch: a killed build keeps its work
        vectors.update(fresh)
        if bar:
            bar.update(len(batch))
    if bar:
        bar.close()
    return vectors, len(missing)


def _vectors_for(vids: Iterable[int], key_of: dict[int, str], vectors: dict[str, np.ndarray], dim: int):
    vids = list(vids)
    matrix = np.stack([vectors[key_of[v]] for v in vids]) if vids else np.zeros((0, dim), np.float32)
    return np.asarray(vids, dtype=np.int64), matrix


@dataclass
class _Diff:
    """The store against the previous generation's snapshot, after syncing the snapshot."""

    wanted: dict[int, tuple[Chunk, str, str]]  # vector id -> (chunk, title, embed key), every chunk
    texts: dict[str, str]  # embed key -> text to embed
    articles: int
    added: list[int]
    removed: list[int]
    articles_changed: int

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.articles_changed)


def _sync_snapshot(conn: sqlite3.Connection, store: ArticleSource) -> _Diff:
    """Make the generation's SQLite snapshot match ``store`` (articles, chunks), in one transaction."""
    old_vids = {vid for (vid,) in conn.execute("SELECT vid FROM chunks")}
    old_articles = {aid for (aid,) in conn.execute("SELECT id FROM articles")}
    wanted: dict[int, tuple[Chunk, str, str]] = {}
    texts: dict[str, str] = {}
    seen, changed = set(), 0
    with conn:
        for article in store.articles():
            seen.add(article.id)
            old = conn.execute(f"SELECT {docstore.ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article.id,))
            if old.fetchone() != docstore.article_row(article):
                docstore.upsert_articles(conn, [article])
                changed += 1
            for chunk in store.chunks(article.id):
                text = embed_text(article.title, chunk.text)
                key = text_key(text)
                wanted[docstore.vector_id(chunk.id, key)] = (chunk, article.title or "", key)
                texts[key] = text
        gone = old_articles - seen
        docstore.delete_articles(conn, gone)
        removed = sorted(old_vids - wanted.keys())
        added = [v for v in wanted if v not in old_vids]
        docstore.delete_chunks(conn, removed)
        docstore.insert_chunks(conn, ((v, *wanted[v]) for v in added))
    return _Diff(wanted, texts, len(seen), added, removed, changed + len(gone))


def _build_vectors(
    diff: _Diff,
    previous: Manifest | None,
    current: Path | None,
    cache: EmbeddingCache,
    embedder: Embedder,
    progress: bool,
) -> tuple[VectorStore, int]:
    """The new generation's vectors: the previous ones updated in place when the index type still
    fits, else a fresh index (vectors from the cache; only never-seen texts are embedded)."""
    kind = choose_kind(len(diff.wanted))
    incremental = (
        current is not None
        and previous is not None
        and previous.index_type == kind
        and (kind == FLAT or previous.tombstones + len(diff.removed) <= REBUILD_TOMBSTONE_SHARE * len(diff.wanted))
    )
    todo = diff.added if incremental else list(diff.wanted)
    key_of = {v: diff.wanted[v][2] for v in todo}
    vectors, embedded = _embed_missing({key: diff.texts[key] for key in key_of.values()}, cache, embedder, progress)
    if incremental:
        assert current is not None  # incremental implies a current generation
        store = VectorStore.load(current / VECTORS, kind)
        store.remove(np.asarray(diff.removed, dtype=np.int64))
    else:
        store = VectorStore(embedder.dim, kind)
    store.add(*_vectors_for(todo, key_of, vectors, embedder.dim))
    return store, embedded


def _build_postings(diff: _Diff, current: Path | None) -> Postings:
    """The new generation's keyword postings: the previous ones without the removed chunks and with
    the added ones (only those are tokenised), or all chunks' when there are none to start from."""

    def rows(vids: Iterable[int]) -> Iterator[tuple[int, str, str]]:
        return ((v, diff.wanted[v][1], diff.wanted[v][0].text) for v in vids)

    try:
        previous = Postings.load(current) if current else None
    except (ValueError, OSError) as exc:
        log.warning("previous keyword postings unreadable (%s); tokenising every chunk again", exc)
        previous = None
    if previous is None:
        return tokenize(rows(diff.wanted))
    return previous.merge(diff.removed, tokenize(rows(diff.added)))


def write_attributes(folder: Path, vectors: VectorStore) -> None:
    """Save the per-chunk filter arrays of the generation in ``folder`` (its docstore is written)."""
    conn = docstore.connect_readonly(folder / DOCS)
    try:
        ChunkAttributes.from_docstore(conn, vectors.position_ids(), vectors.live_mask()).save(folder)
    finally:
        conn.close()


def update_index(
    data_dir: Path, store: ArticleSource, embedder: Embedder, *, progress: bool = False, rebuild: bool = False
) -> BuildReport:
    """Bring the index in ``data_dir`` up to date with ``store``; ``rebuild`` ignores the current
    generation (needed after changing the embedding model).

    A storage fault (a full disk, a read-only data directory) raises one ``IndexStorageError`` that
    names the directory; the half-written generation is removed and CURRENT is untouched.

    >>> import tempfile
    >>> from corpus.pipeline import ingest
    >>> from corpus.sample import SAMPLE_PATH
    >>> from corpus.store import open_store
    >>> from index.embedders.hashing import HashEmbedder  # a model-free stand-in
    >>> data_dir = Path(tempfile.mkdtemp())
    >>> with open_store(data_dir) as store:
    ...     _ = ingest([str(SAMPLE_PATH)], store)
    ...     built = update_index(data_dir, store, HashEmbedder())
    ...     again = update_index(data_dir, store, HashEmbedder())  # nothing changed: no new generation
    >>> built.generation, built.articles, again.changed
    ('gen-000001', 36, False)
    """
    try:
        return _update_index(data_dir, store, embedder, progress=progress, rebuild=rebuild)
    except (OSError, sqlite3.OperationalError) as exc:
        raise IndexStorageError(data_dir, storage_reason(exc)) from exc


def storage_reason(exc: OSError | sqlite3.OperationalError) -> str:
    """What went wrong, in a few words: "No space left on device (vectors.faiss)"."""
    if isinstance(exc, OSError) and exc.strerror:
        where = Path(exc.filename).name if isinstance(exc.filename, str | Path) else None
        return f"{exc.strerror} ({where})" if where else exc.strerror
    return str(exc) or type(exc).__name__


def _update_index(
    data_dir: Path, store: ArticleSource, embedder: Embedder, *, progress: bool, rebuild: bool
) -> BuildReport:
    started = time.perf_counter()
    generations = Generations(data_dir)
    with generations.building() as tmp:
        current = None if rebuild else generations.current()
        previous = Manifest.read(current) if current else None
        if previous and (previous.model != embedder.name or previous.dim != embedder.dim):
            raise ModelMismatch(previous.model, previous.dim, embedder.name, embedder.dim)
        if current:
            shutil.copyfile(current / DOCS, tmp / DOCS)
        with closing(EmbeddingCache(data_dir / "embeddings.db", embedder.name, embedder.dim)) as cache:
            conn = docstore.connect_writable(tmp / DOCS)
            try:
                diff = _sync_snapshot(conn, store)
                resplit = sentences.sync(conn, lambda texts: _embed_missing(texts, cache, embedder, progress)[0])
            finally:
                conn.close()
            if current and previous and diff.empty and not resplit:
                log.info("index already up to date (%s)", current.name)
                return BuildReport(
                    None,
                    diff.articles,
                    len(diff.wanted),
                    0,
                    0,
                    0,
                    previous.index_type,
                    previous.backend,
                    time.perf_counter() - started,
                )
            vectors, embedded = _build_vectors(diff, previous, current, cache, embedder, progress)
        vectors.save(tmp / VECTORS)
        write_attributes(tmp, vectors)
        _build_postings(diff, current).save(tmp)
        final_name = tmp.name.split(".tmp-")[0]
        Manifest(
            model=embedder.name,
            dim=embedder.dim,
            backend=embedder.backend,
            index_type=vectors.kind,
            articles=diff.articles,
            chunks=len(diff.wanted),
            tombstones=vectors.tombstones,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 3),
            embedded=embedded,
            versions=_library_versions(embedder.backend),
            generation=final_name,
        ).write(tmp)
        generations.publish(tmp)
    return BuildReport(
        final_name,
        diff.articles,
        len(diff.wanted),
        len(diff.added),
        len(diff.removed),
        embedded,
        vectors.kind,
        embedder.backend,
        time.perf_counter() - started,
    )
