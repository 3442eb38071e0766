from __future__ import annotations

from datetime import date

import pytest

from index.fusion import (
    ArticleGroup,
    ChunkScore,
    FusionWeights,
    apply_date_preferences,
    fold_copies,
    fuse,
    group,
    normalise_title,
    order_by_recency,
    relevance_cutoff,
)

W = FusionWeights(dense=1.0, keyword=1.0, rrf_k=10.0, extra_chunk=0.0, recent_depth=15, period=0.01)


def test_rrf_rewards_agreement_and_weights_each_ranking() -> None:
    fused = fuse([1, 2, 3], [3, 1], W)
    assert [c.vid for c in fused] == [1, 3, 2]
    assert (fused[0].dense_rank, fused[0].keyword_rank) == (1, 2)
    keyword_heavy = fuse([1, 2], [2], FusionWeights(dense=0.5, keyword=2.0, rrf_k=10.0))
    assert keyword_heavy[0].vid == 2


def test_group_keeps_each_article_once_with_its_best_chunk_first() -> None:
    chunks = fuse([10, 11, 20], [11, 20], W)
    groups = group(chunks, {10: "a", 11: "a", 20: "b"}, W)
    assert [g.article_id for g in groups] == ["a", "b"]
    assert [c.vid for c in groups[0].chunks] == [11, 10]


def test_copies_fold_into_the_better_ranked_article() -> None:
    groups = [ArticleGroup("a", 0.3, []), ArticleGroup("b", 0.2, []), ArticleGroup("c", 0.1, [])]
    prints = {"a": ["same title here now", "x"], "b": ["other", "y"], "c": ["zzz", "x"]}
    kept = fold_copies(groups, prints)
    assert [g.article_id for g in kept] == ["a", "b"] and kept[0].copies == ["c"]
    assert normalise_title("Short title") is None  # too short to identify a copy
    assert normalise_title("U.S. curbs Nvidia's H20!") == normalise_title("u s curbs nvidia s h20")


def _groups(*scores: tuple[str, float]) -> list[ArticleGroup]:
    return [ArticleGroup(article_id, score, []) for article_id, score in scores]


def test_date_preferences_never_favour_undated_articles() -> None:
    def groups() -> list[ArticleGroup]:
        return _groups(("undated", 0.100), ("old", 0.099), ("new", 0.098))

    published = {"undated": None, "old": date(2020, 1, 1), "new": date(2025, 1, 1)}
    recent = apply_date_preferences(groups(), published, W, prefer_recent=True, around=None)
    assert [g.article_id for g in recent] == ["new", "old", "undated"]
    period = apply_date_preferences(
        groups(), published, W, prefer_recent=False, around=(date(2019, 12, 1), date(2020, 2, 1))
    )
    assert [g.article_id for g in period] == ["old", "undated", "new"]
    same = apply_date_preferences(groups(), published, W, prefer_recent=False, around=None)
    assert [g.article_id for g in same] == ["undated", "old", "new"]


def test_latest_puts_the_newest_dated_relevant_article_first_however_low_it_ranked() -> None:
    # The shape of "latest news on Huawei Ascend": undated pages rank first, the newest dated
    # article fifth, and weaker matches (one newer still) below the relevance margin.
    groups = _groups(
        ("undated-1", 0.186),
        ("2024-11", 0.171),
        ("undated-2", 0.153),
        ("undated-3", 0.120),
        ("2025-09", 0.098),
        ("2023-09", 0.084),
        ("weak-2026", 0.060),
    )
    published = {
        g.article_id: date.fromisoformat(g.article_id[-7:] + "-01") if g.article_id[-7:-3].isdigit() else None
        for g in groups
    }
    ranked = [g.article_id for g in order_by_recency(groups, published, cutoff=0.09)]
    assert ranked == ["2025-09", "2024-11", "undated-1", "undated-2", "undated-3", "2023-09", "weak-2026"]


def test_recency_margin_bounds_what_recency_may_lift() -> None:
    groups = _groups(("best-old", 0.20), ("close-new", 0.15), ("far-newest", 0.05))
    published = {"best-old": date(2021, 3, 1), "close-new": date(2025, 6, 1), "far-newest": date(2026, 1, 1)}
    assert [g.article_id for g in order_by_recency(groups, published, cutoff=0.08)] == [
        "close-new",
        "best-old",
        "far-newest",
    ]
    assert [g.article_id for g in order_by_recency(groups, published, cutoff=0.16)] == [
        "best-old",
        "close-new",
        "far-newest",
    ]  # 0.15 is below the cutoff: not relevant enough to be lifted
    same_day = _groups(("z", 0.12), ("a", 0.10))
    tie = {"a": date(2025, 1, 1), "z": date(2025, 1, 1)}
    assert [g.article_id for g in order_by_recency(same_day, tie, cutoff=0.08)] == ["z", "a"]
    assert order_by_recency([], {}, cutoff=0.08) == []


def test_relevance_cutoff_is_the_score_of_an_article_ranked_that_deep_by_both_retrievers() -> None:
    weights = FusionWeights(dense=0.6, keyword=1.5, rrf_k=10.0, recent_depth=15)
    depth_15 = fuse([*range(100, 114), 1], [*range(200, 214), 1], weights)
    assert relevance_cutoff(weights) == pytest.approx(next(c.score for c in depth_15 if c.vid == 1))


def test_chunk_scores_carry_both_ranks() -> None:
    assert fuse([], [7], W) == [ChunkScore(7, 1.0 / 11.0, None, 1)]
