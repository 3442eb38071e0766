from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.vectors import FLAT, HNSW_SQ8, VectorStore, choose_kind


def _unit(rows: int, dim: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _exact(vectors: dict[int, np.ndarray], query: np.ndarray, k: int) -> list[int]:
    ids = np.array(list(vectors))
    scores = np.stack(list(vectors.values())) @ query
    return [int(ids[i]) for i in np.argsort(-scores, kind="stable")[:k]]


@pytest.mark.parametrize("kind", [FLAT, HNSW_SQ8])
def test_store_matches_exact_search_through_add_save_load_update_delete(kind: str, tmp_path: Path) -> None:
    dim, k = 32, 10
    data = _unit(1500, dim, seed=1)
    ids = np.arange(1000, 2500, dtype=np.int64) * 7919  # sparse, large ids
    reference = dict(zip(ids.tolist(), data))
    store = VectorStore(dim, kind)
    store.add(ids, data)
    path = tmp_path / "v.faiss"
    store.save(path)
    store = VectorStore.load(path, kind)
    assert len(store) == len(reference)

    removed = ids[:300]
    store.remove(removed)
    for i in removed.tolist():
        del reference[i]
    updated_ids = ids[300:400]
    store.remove(updated_ids)
    fresh = _unit(100, dim, seed=2)
    store.add(updated_ids, fresh)  # an update: same ids, new vectors
    reference.update(zip(updated_ids.tolist(), fresh))
    store.save(path)
    store = VectorStore.load(path, kind)
    assert len(store) == len(reference)

    queries = _unit(40, dim, seed=3)
    recalls = []
    for query in queries:
        _, got = store.search(query[None, :], k)
        expected = _exact(reference, query, k)
        got_ids = [int(i) for i in got[0] if i >= 0]
        assert not set(got_ids) & set(removed.tolist())
        recalls.append(len(set(got_ids) & set(expected)) / k)
        if kind == FLAT:
            assert got_ids == expected
    assert np.mean(recalls) >= 0.95


def test_search_can_be_restricted_to_allowed_ids() -> None:
    data = _unit(50, 16, seed=4)
    store = VectorStore(16)
    store.add(np.arange(50), data)
    mask = np.isin(store.position_ids(), [3, 17, 42])
    _, got = store.search(data[0:1], 10, mask=mask)
    assert sorted(int(i) for i in got[0] if i >= 0) == [3, 17, 42]


def test_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="dim 8"):
        VectorStore(8).add(np.arange(2), np.zeros((2, 4), np.float32))


def test_index_kind_follows_corpus_size() -> None:
    assert choose_kind(1_000) == FLAT
    assert choose_kind(2_000_000) == HNSW_SQ8
