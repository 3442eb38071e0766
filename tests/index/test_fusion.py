from __future__ import annotations

from datetime import date

from index.fusion import (ArticleGroup, ChunkScore, FusionWeights, apply_date_preferences, fold_copies, fuse,
                          group, normalise_title)

W = FusionWeights(dense=1.0, keyword=1.0, rrf_k=10.0, extra_chunk=0.0, recency=0.01, period=0.01)


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


def test_date_preferences_never_favour_undated_articles() -> None:
    def groups() -> list[ArticleGroup]:
        return [ArticleGroup("undated", 0.100, []), ArticleGroup("old", 0.099, []), ArticleGroup("new", 0.098, [])]

    published = {"undated": None, "old": date(2020, 1, 1), "new": date(2025, 1, 1)}
    recent = apply_date_preferences(groups(), published, W, prefer_recent=True, around=None)
    assert [g.article_id for g in recent] == ["new", "undated", "old"]
    period = apply_date_preferences(groups(), published, W, prefer_recent=False,
                                    around=(date(2019, 12, 1), date(2020, 2, 1)))
    assert [g.article_id for g in period] == ["old", "undated", "new"]
    same = apply_date_preferences(groups(), published, W, prefer_recent=False, around=None)
    assert [g.article_id for g in same] == ["undated", "old", "new"]


def test_chunk_scores_carry_both_ranks() -> None:
    assert fuse([], [7], W) == [ChunkScore(7, 1.0 / 11.0, None, 1)]
