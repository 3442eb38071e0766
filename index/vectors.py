"""FAISS vector store keyed by int64 ids, with the index type chosen by size.

Exact inner-product search (vectors are normalised, so this is cosine) while the corpus is small;
HNSW over 8-bit scalar-quantised vectors when it is large. HNSW cannot delete in place, so deletions
there are tombstones filtered at search time until the next rebuild.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FLAT, HNSW_SQ8 = "flat", "hnsw-sq8"
EXACT_LIMIT = 50_000  # above this, exact search costs more than the latency budget on 2 cores
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 128


def choose_kind(count: int) -> str:
    return FLAT if count <= EXACT_LIMIT else HNSW_SQ8


class VectorStore:
    def __init__(self, dim: int, kind: str = FLAT) -> None:
        import faiss

        self.dim, self.kind = dim, kind
        if kind == FLAT:
            base = faiss.IndexFlatIP(dim)
        elif kind == HNSW_SQ8:
            base = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            base.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            base.hnsw.efSearch = HNSW_EF_SEARCH
        else:
            raise ValueError(f"unknown vector index kind {kind!r}")
        self._index = faiss.IndexIDMap2(base)
        self._tombstones: set[int] = set()

    def __len__(self) -> int:
        return int(self._index.ntotal) - len(self._tombstones)

    @property
    def tombstones(self) -> int:
        return len(self._tombstones)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim or len(ids) != len(vectors):
            raise ValueError(f"expected {len(ids)} vectors of dim {self.dim}, got shape {vectors.shape}")
        if not len(ids):
            return
        if self.kind == HNSW_SQ8 and not self._index.is_trained:
            self._index.train(vectors)
        self._index.add_with_ids(vectors, ids)
        self._tombstones.difference_update(int(i) for i in ids)

    def remove(self, ids: np.ndarray) -> None:
        import faiss

        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if not len(ids):
            return
        if self.kind == FLAT:
            self._index.remove_ids(faiss.IDSelectorBatch(ids))
        else:
            self._tombstones.update(int(i) for i in ids)

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) per query row; ids are -1 where fewer than k match.
        ``allowed`` restricts the search to those ids (source/date filters)."""
        import faiss

        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        if len(queries) == 1:
            faiss.omp_set_num_threads(1)  # per calling thread: a single query is faster without OpenMP
        selectors = []
        if allowed is not None:
            selectors.append(faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64)))
        if self._tombstones:
            dead = faiss.IDSelectorBatch(np.fromiter(self._tombstones, dtype=np.int64))
            selectors += [dead, faiss.IDSelectorNot(dead)]
        k = max(1, min(k, int(self._index.ntotal) or 1))
        if not selectors:
            return self._index.search(queries, k)
        if allowed is not None and self._tombstones:
            selector = faiss.IDSelectorAnd(selectors[0], selectors[2])
        else:
            selector = selectors[-1]
        params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(HNSW_EF_SEARCH, k)) if (
            self.kind == HNSW_SQ8) else faiss.SearchParameters(sel=selector)
        scores, ids = self._index.search(queries, k, params=params)
        del selectors  # the selectors had to outlive the search call
        return scores, ids

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))
        if self._tombstones:
            np.save(path.with_suffix(".tombstones.npy"), np.fromiter(self._tombstones, dtype=np.int64))

    @classmethod
    def load(cls, path: Path, kind: str) -> VectorStore:
        import faiss

        index = faiss.read_index(str(path))
        store = cls.__new__(cls)
        store.dim, store.kind, store._index = index.d, kind, index
        if kind == HNSW_SQ8:
            faiss.downcast_index(index.index).hnsw.efSearch = HNSW_EF_SEARCH
        dead = path.with_suffix(".tombstones.npy")
        store._tombstones = set(np.load(dead).tolist()) if dead.is_file() else set()
        return store
