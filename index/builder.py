"""Incremental index builds: diff the article store against the current generation, embed only
what is new (through the cache), and publish the result as a new generation atomically."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.types import Article, Chunk

from . import docstore
from .embed import Embedder
from .embed_cache import EmbeddingCache, text_key
from .errors import ModelMismatch
from .generation import DOCS, VECTORS, Generations, Manifest
from .keyword import refresh_term_frequencies
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
    names = ["faiss-cpu", "numpy"] + {"onnx": ["onnxruntime", "tokenizers"],
                                      "torch": ["torch", "sentence-transformers"]}.get(backend, [])
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _embed_missing(keys_texts: dict[str, str], cache: EmbeddingCache, embedder: Embedder,
                   progress: bool) -> tuple[dict[str, np.ndarray], int]:
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


def update_index(data_dir: Path, store: ArticleSource, embedder: Embedder, *, progress: bool = False,
                 rebuild: bool = False) -> BuildReport:
    """Bring the index in ``data_dir`` up to date with ``store``; ``rebuild`` ignores the current
    generation (needed after changing the embedding model)."""
    started = time.perf_counter()
    generations = Generations(data_dir)
    with generations.building() as tmp:
        current = None if rebuild else generations.current()
        previous = Manifest.read(current) if current else None
        if previous and (previous.model != embedder.name or previous.dim != embedder.dim):
            raise ModelMismatch(previous.model, previous.dim, embedder.name, embedder.dim)
        if current:
            shutil.copyfile(current / DOCS, tmp / DOCS)
        conn = docstore.connect_writable(tmp / DOCS)
        old_vids = {vid for (vid,) in conn.execute("SELECT vid FROM chunks")}
        old_articles = {aid for (aid,) in conn.execute("SELECT id FROM articles")}
        wanted: dict[int, tuple[Chunk, str, str]] = {}
        texts: dict[str, str] = {}
        seen_articles, changed_articles = set(), 0
        with conn:
            for article in store.articles():
                seen_articles.add(article.id)
                row = docstore.article_row(article)
                old = conn.execute(f"SELECT {docstore.ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article.id,))
                if old.fetchone() != row:
                    docstore.upsert_articles(conn, [article])
                    changed_articles += 1
                title = article.title or ""
                for chunk in store.chunks(article.id):
                    text = embed_text(article.title, chunk.text)
                    key = text_key(text)
                    wanted[docstore.vector_id(chunk.id, key)] = (chunk, title, key)
                    texts[key] = text
            gone = old_articles - seen_articles
            docstore.delete_articles(conn, gone)
            removed = sorted(old_vids - wanted.keys())
            added = [v for v in wanted if v not in old_vids]
            docstore.delete_chunks(conn, removed)
            docstore.insert_chunks(conn, ((v, *wanted[v]) for v in added))
            if added or removed:
                refresh_term_frequencies(conn, len(wanted))
        with conn:
            conn.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")  # merge FTS segments
        conn.close()

        kind = choose_kind(len(wanted))
        if previous and not (added or removed or changed_articles or gone):
            log.info("index already up to date (%s)", current.name)
            return BuildReport(None, len(seen_articles), len(wanted), 0, 0, 0, previous.index_type,
                               previous.backend, time.perf_counter() - started)
        cache = EmbeddingCache(data_dir / "embeddings.db", embedder.name, embedder.dim)
        try:
            incremental = (previous is not None and previous.index_type == kind and (
                kind == FLAT or previous.tombstones + len(removed) <= REBUILD_TOMBSTONE_SHARE * len(wanted)))
            todo = added if incremental else list(wanted)
            key_of = {v: wanted[v][2] for v in todo}
            vectors, embedded = _embed_missing({key_of[v]: texts[key_of[v]] for v in todo}, cache, embedder,
                                               progress)
        finally:
            cache.close()
        if incremental:
            store_ = VectorStore.load(current / VECTORS, kind)
            store_.remove(np.asarray(removed, dtype=np.int64))
        else:
            store_ = VectorStore(embedder.dim, kind)
        store_.add(*_vectors_for(todo, key_of, vectors, embedder.dim))
        store_.save(tmp / VECTORS)
        final_name = tmp.name.split(".tmp-")[0]
        Manifest(
            model=embedder.name, dim=embedder.dim, backend=embedder.backend, index_type=kind,
            articles=len(seen_articles), chunks=len(wanted), tombstones=store_.tombstones,
            built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            build_seconds=round(time.perf_counter() - started, 3), embedded=embedded,
            versions=_library_versions(embedder.backend), generation=final_name,
        ).write(tmp)
        generations.publish(tmp)
    return BuildReport(final_name, len(seen_articles), len(wanted), len(added), len(removed), embedded, kind,
                       embedder.backend, time.perf_counter() - started)
