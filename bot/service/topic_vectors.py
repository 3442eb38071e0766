"""``ArticleVectors`` over the index: an article's chunks as indexed, with the vectors the index
holds for them (read from the embedding cache the builder fills; embedded only when missing).

Reading the stored vectors keeps topic relevance cheap: scoring an article costs a chunk lookup
and a cache read, not a model run, except for the topic itself (embedded once, then cached).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.types import Article, Chunk
from index.builder import embed_text
from index.embed import Embedder
from index.embed_cache import EmbeddingCache, text_key

CACHE_ARTICLES = 20_000  # articles whose chunk vectors are kept in memory (~8 KB each with MiniLM)
CACHE_TOPICS = 1024


class ChunkSource(Protocol):
    def chunks(self, article_id: str) -> list[Chunk]: ...


class IndexVectors:
    def __init__(self, chunks: ChunkSource, embedder: Embedder, cache_file: Path | None = None) -> None:
        self._chunks = chunks
        self._embedder = embedder
        self._cache_file = cache_file if cache_file is not None and cache_file.is_file() else None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._articles: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        self._topics: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def for_index(cls, index: ChunkSource, embedder: Embedder, data_dir: Path) -> IndexVectors:
        return cls(index, embedder, data_dir / "embeddings.db")

    def _cache(self) -> EmbeddingCache | None:
        if self._cache_file is None:
            return None
        cache = getattr(self._local, "cache", None)
        if cache is None:  # SQLite connections stay in the thread that opened them
            cache = self._local.cache = EmbeddingCache(self._cache_file, self._embedder.name, self._embedder.dim)
        return cache

    def topic_vector(self, topic: str) -> np.ndarray:
        with self._lock:
            found = self._topics.get(topic)
        if found is None:
            found = np.asarray(self._embedder.embed([topic])[0], dtype=np.float32)
            with self._lock:
                self._topics[topic] = found
                while len(self._topics) > CACHE_TOPICS:
                    self._topics.popitem(last=False)
        return found

    def vectors(self, article: Article) -> np.ndarray:
        key = (article.id, len(article.text))
        with self._lock:
            found = self._articles.get(key)
        if found is not None:
            return found
        texts = [embed_text(article.title, c.text) for c in self._chunks.chunks(article.id)]
        keys = [text_key(t) for t in texts]
        cache = self._cache()
        stored = cache.get_many(keys) if cache is not None else {}
        missing = [i for i, k in enumerate(keys) if k not in stored]
        if missing:
            embedded = self._embedder.embed([texts[i] for i in missing])
            stored.update({keys[i]: np.asarray(v, dtype=np.float32) for i, v in zip(missing, embedded)})
        found = np.stack([stored[k] for k in keys]) if keys else np.zeros((0, self._embedder.dim), np.float32)
        with self._lock:
            self._articles[key] = found
            while len(self._articles) > CACHE_ARTICLES:
                self._articles.popitem(last=False)
        return found
