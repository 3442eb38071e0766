"""The postings arrays against FTS5's own bm25(), and merging against tokenising from scratch."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from corpus.text.words import FTS5Stemmer
from index.postings import Postings, bm25, tokenize

from .fakes import fts5_bm25

WORDS = (
    "nvidia asml tsmc huawei smic export exports exported licence licences tariff fab chips lithography "
    "sanctions rules china japan Ünïcödé café 2nm h20"
).split()


def _rows(n: int, seed: int) -> list[tuple[int, str, str]]:
    rng = random.Random(seed)
    return [
        (
            rng.randrange(1, 2**62),
            " ".join(rng.choices(WORDS, k=rng.randint(0, 5))),
            " ".join(rng.choices(WORDS, k=rng.randint(0, 40))),
        )
        for _ in range(n)
    ]


def _scores(postings: Postings, words: list[str], title_weight: float = 1.5, cap: int | None = None) -> dict:
    """Chunk id -> score of an OR query of ``words``, stemmed as the index stems them."""
    ids = [i for s in FTS5Stemmer().stems(words) if (i := postings.term_id(s)) is not None]
    docs, scores = bm25(postings, ids, title_weight, limit=10**9, cap=cap)
    return dict(zip(np.asarray(postings.vids)[docs].tolist(), scores.tolist()))


QUERIES = [
    ["nvidia"],
    ["exported", "china"],
    ["tsmc", "fab", "rule", "licence"],
    ["unicode", "cafe", "2nm", "h20"],
    ["chips", "sanctions", "japan", "huawei", "smic", "asml"],
    ["absent"],
]


@pytest.mark.parametrize("title_weight", [1.0, 1.5, 4.0])
@pytest.mark.parametrize("terms", QUERIES)
def test_scores_equal_fts5_bm25(terms: list[str], title_weight: float) -> None:
    rows = _rows(400, seed=1)
    got = _scores(tokenize(rows), terms, title_weight)
    expected = fts5_bm25(rows, terms, title_weight)
    assert got.keys() == expected.keys()
    assert all(abs(got[v] - expected[v]) <= 1e-6 * expected[v] for v in expected)  # float32 weights
    assert bool(expected) == (terms != ["absent"])


def test_tokenising_in_batches_gives_the_same_postings(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _rows(250, seed=2)
    whole = tokenize(rows)
    monkeypatch.setattr("index.postings.TOKENIZE_BATCH", 60)
    batched = tokenize(rows)
    assert batched.terms == whole.terms
    for a, b in zip((batched.offsets, batched.tf, batched.lengths), (whole.offsets, whole.tf, whole.lengths)):
        assert np.array_equal(a, b)
    assert np.array_equal(batched.vids[batched.docs], whole.vids[whole.docs])


def test_merge_equals_tokenising_the_result_from_scratch() -> None:
    rows = _rows(300, seed=3)
    removed = [vid for vid, *_ in rows[:70]] + [12345]  # an unknown id is ignored
    merged = tokenize(rows[:200]).merge(removed, tokenize(rows[200:260]), tokenize(rows[260:]))
    fresh = tokenize(rows[70:])
    assert merged.terms == fresh.terms
    assert sorted(merged.vids.tolist()) == sorted(v for v, *_ in rows[70:])
    for terms in QUERIES:
        got, expected = _scores(merged, terms), _scores(fresh, terms)
        assert got.keys() == expected.keys() and all(abs(got[v] - expected[v]) <= 1e-6 * got[v] for v in got)


def test_removing_every_chunk_of_a_word_drops_the_word() -> None:
    rows = [(1, "", "gallium germanium"), (2, "", "germanium")]
    left = tokenize(rows).merge([1])
    assert left.terms == ["germanium"] and _scores(left, ["germanium"]).keys() == {2}


def test_cap_scores_a_common_words_best_postings_only() -> None:
    rows = [(i, "", "chips " * (1 + i % 5) + "filler " * 20) for i in range(1, 101)]
    postings = tokenize(rows)
    full, capped = _scores(postings, ["chips"]), _scores(postings, ["chips"], cap=10)
    assert len(full) == 100 and len(capped) == 10
    best = sorted(full, key=lambda v: -full[v])[:10]
    assert sorted(capped) == sorted(best) and all(capped[v] == full[v] for v in best)


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    postings = tokenize(_rows(50, seed=4))
    postings.save(tmp_path)
    loaded = Postings.load(tmp_path)
    assert loaded.terms == postings.terms and np.array_equal(loaded.docs, postings.docs)
    assert _scores(loaded, ["nvidia", "export"]) == _scores(postings, ["nvidia", "export"])
    assert Postings.load(tmp_path / "missing") is None
    np.save(tmp_path / "kw.docs.npy", np.asarray(postings.docs)[:-1])
    with pytest.raises(ValueError, match="do not fit"):
        Postings.load(tmp_path)


def test_empty_rows_give_empty_postings() -> None:
    postings = tokenize([])
    assert len(postings) == 0 and postings.terms == [] and _scores(postings, ["chips"]) == {}
    blank = tokenize([(7, "", "")])
    assert len(blank) == 1 and blank.terms == [] and int(blank.lengths[0]) == 0
