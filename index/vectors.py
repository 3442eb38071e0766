"""FAISS vector store keyed by int64 ids, with the index type chosen by size.

Exact inner-product search (vectors are normalised, so this is cosine) while the corpus is small:
``IndexIDMap2`` over a flat index, where deletion is real. HNSW over 8-bit scalar-quantised vectors
when it is large: HNSW cannot delete, so the store numbers vectors itself (position -> id), and a
deleted or replaced vector becomes a tombstone, skipped at search time until the next rebuild.
"""

from __future__ import annotations

import errno
import logging
import re
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FLAT, HNSW_SQ8 = "flat", "hnsw-sq8"
EXACT_LIMIT = 50_000  # above this, exact search costs more than the latency budget on 2 cores
HNSW_M, HNSW_EF_CONSTRUCTION = 32, 80
EXACT_FILTER_LIMIT = 50_000  # a filter keeping at most this many vectors is searched exactly
MAX_FILTER_WIDENING = 4  # HNSW efSearch under a broad filter: at most this many times the usual


def choose_kind(count: int) -> str:
    return FLAT if count <= EXACT_LIMIT else HNSW_SQ8


def ef_search_for(count: int) -> int:
    """HNSW search breadth for recall@10 >= 0.95 against exact search (bench/scale.py measured
    0.97 at 100k with 256, 0.96 at 1M with 1024)."""
    return 256 if count < 300_000 else 1024


def _as_ids(ids) -> np.ndarray:
    return np.ascontiguousarray(ids, dtype=np.int64).reshape(-1)


class VectorStore:
    def __init__(self, dim: int, kind: str = FLAT) -> None:
        import faiss

        self.dim, self.kind = dim, kind
        if kind == FLAT:
            self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        elif kind == HNSW_SQ8:
            self._index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            self._index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            raise ValueError(f"unknown vector index kind {kind!r}")
        self._labels = np.zeros(0, dtype=np.int64)  # HNSW: position -> id
        self._live: dict[int, int] = {}  # HNSW: id -> position
        self._dead: set[int] = set()  # HNSW: positions of deleted or replaced vectors

    def __len__(self) -> int:
        return int(self._index.ntotal) if self.kind == FLAT else len(self._live)

    @property
    def tombstones(self) -> int:
        return len(self._dead)

    def add(self, ids, vectors: np.ndarray) -> None:
        """Add vectors under ``ids``; an id already present is replaced."""
        ids = _as_ids(ids)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim or len(ids) != len(vectors):
            raise ValueError(f"expected {len(ids)} vectors of dim {self.dim}, got shape {vectors.shape}")
        if not len(ids):
            return
        self.remove(ids)
        if self.kind == FLAT:
            self._index.add_with_ids(vectors, ids)
            return
        if not self._index.is_trained:
            self._index.train(vectors)
        first = int(self._index.ntotal)
        self._index.add(vectors)
        self._labels = np.concatenate([self._labels, ids])
        self._live.update(zip(ids.tolist(), range(first, first + len(ids))))

    def remove(self, ids) -> None:
        import faiss

        ids = _as_ids(ids)
        if not len(ids):
            return
        if self.kind == FLAT:
            self._index.remove_ids(faiss.IDSelectorBatch(ids))
            return
        for i in ids.tolist():
            position = self._live.pop(i, None)
            if position is not None:
                self._dead.add(position)

    def position_ids(self) -> np.ndarray:
        """The id stored at each position of the FAISS index (HNSW: tombstones included)."""
        import faiss

        if self.kind == FLAT:
            return faiss.vector_to_array(self._index.id_map).astype(np.int64)
        return self._labels

    def live_mask(self) -> np.ndarray:
        """True at the positions that hold a live vector."""
        live = np.ones(int(self._index.ntotal), dtype=bool)
        if self._dead:
            live[np.fromiter(self._dead, dtype=np.int64)] = False
        return live

    def search(self, queries: np.ndarray, k: int, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) per query row, ids -1 past the matches. ``mask`` (booleans over
        ``position_ids()``, live positions only) restricts the search to those positions."""
        import faiss

        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        if len(queries) == 1:
            faiss.omp_set_num_threads(1)  # per calling thread: a single query is faster without OpenMP
        k = max(1, min(k, int(self._index.ntotal) or 1))
        if mask is not None:
            return self._search_mask(queries, k, np.asarray(mask, dtype=bool))
        if self.kind == FLAT:
            return self._index.search(queries, k)
        params = faiss.SearchParametersHNSW(efSearch=max(ef_search_for(len(self._live)), k))
        if self._dead:
            params.sel = faiss.IDSelectorNot(faiss.IDSelectorBatch(np.fromiter(self._dead, dtype=np.int64)))
        return self._positions_to_ids(*self._index.search(queries, k, params=params))

    def _search_mask(self, queries: np.ndarray, k: int, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Selective masks scan the stored vectors exactly (only the allowed ones are scored); broad
        ones walk the HNSW graph, skipping what the mask excludes."""
        import faiss

        allowed = int(np.count_nonzero(mask))
        if not allowed:
            return np.full((len(queries), k), -np.inf, np.float32), np.full((len(queries), k), -1, np.int64)
        bits = np.packbits(mask, bitorder="little")
        keep = faiss.IDSelectorBitmap(len(bits), faiss.swig_ptr(bits))  # n counts bytes
        if self.kind == FLAT:
            scores, positions = faiss.downcast_index(self._index.index).search(
                queries, k, params=faiss.SearchParameters(sel=keep)
            )
            ids = self.position_ids()
            return scores, np.where(positions >= 0, ids[np.clip(positions, 0, None)], -1)
        if allowed <= EXACT_FILTER_LIMIT:
            storage = faiss.downcast_index(self._index.storage)
            return self._positions_to_ids(*storage.search(queries, k, params=faiss.SearchParameters(sel=keep)))
        # the walk only keeps what passes: widen it as the filter narrows (bench/scale.py: recall@10
        # 0.94 at 1M with half the vectors passing and the unfiltered breadth)
        breadth = ef_search_for(len(self._live)) * min(MAX_FILTER_WIDENING, len(self._live) / allowed)
        params = faiss.SearchParametersHNSW(efSearch=max(int(breadth), k), sel=keep)
        return self._positions_to_ids(*self._index.search(queries, k, params=params))

    def _positions_to_ids(self, scores: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return scores, np.where(positions >= 0, self._labels[np.clip(positions, 0, None)], -1)

    def save(self, path: Path) -> None:
        """Write the index (and, for HNSW, its id arrays); a failed write is an ``OSError``."""
        import faiss

        try:
            faiss.write_index(self._index, str(path))
        except RuntimeError as exc:  # faiss reports I/O errors as RuntimeError, the cause in brackets
            cause = re.findall(r"\(([^()]*)\)\s*$", str(exc))
            raise OSError(errno.EIO, f"writing {path.name} failed ({cause[0] if cause else exc})") from exc
        if self.kind != FLAT:
            np.save(path.with_suffix(".labels.npy"), self._labels)
            np.save(path.with_suffix(".dead.npy"), np.fromiter(self._dead, dtype=np.int64))

    @classmethod
    def load(cls, path: Path, kind: str) -> VectorStore:
        import faiss

        store = cls.__new__(cls)
        store.kind, store._index = kind, faiss.read_index(str(path))
        store.dim = store._index.d
        store._labels, store._live, store._dead = np.zeros(0, dtype=np.int64), {}, set()
        if kind != FLAT:
            store._labels = np.load(path.with_suffix(".labels.npy"))
            store._dead = set(np.load(path.with_suffix(".dead.npy")).tolist())
            store._live = {int(i): p for p, i in enumerate(store._labels.tolist()) if p not in store._dead}
        return store
