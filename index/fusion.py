"""Rank fusion and grouping (pure): dense and BM25 chunk rankings -> ranked articles.

Weighted reciprocal rank fusion scores each chunk; an article scores by its best chunk plus a
little for its other matching chunks; syndicated copies (same normalised title or same best
passage) are folded into the better-ranked article so they do not crowd out other articles.
Date preferences then reorder the articles: a question about an event period nudges articles
published in it (close calls only), and a question asking for the latest news puts the newest
*dated* relevant coverage first (see ``order_by_recency``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from corpus.types import Article


@dataclass(frozen=True)
class FusionWeights:
    # Tuned on chip-trade questions (names, chip models, dates): keywords carry more of the signal
    # than MiniLM, and a small RRF constant lets a first place in either ranking count. Results
    # are flat for keyword/dense ratios of 2-3.5, RRF k of 5-20 and title weights of 1-1.5.
    dense: float = 0.6
    keyword: float = 1.5
    rrf_k: float = 10.0
    extra_chunk: float = 0.0  # share of the second-best chunk's score added to the article's
    # An article is relevant to a "latest ..." question when it scores at least what an article
    # ranked this deep by *both* retrievers would (about rank 8 by keywords alone): the first page
    # or two of either ranking, as a reader scanning for the newest coverage would consider.
    recent_depth: int = 15
    # The period boost is about one keyword rank step at the top (1.5/11 - 1.5/12 ~ 0.011):
    period: float = 0.01  # boost for articles published in the period the question names


@dataclass
class ChunkScore:
    vid: int
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None


@dataclass
class ArticleGroup:
    article_id: str
    score: float
    chunks: list[ChunkScore]  # best first
    copies: list[str] = field(default_factory=list)  # folded syndicated copies


def fuse(dense: Sequence[int], keyword: Sequence[int], weights: FusionWeights) -> list[ChunkScore]:
    """Weighted RRF over two rankings of chunk ids (best first); returns chunks best first."""
    scores: dict[int, ChunkScore] = {}
    for rank, vid in enumerate(dense, start=1):
        entry = scores.setdefault(vid, ChunkScore(vid, 0.0))
        entry.dense_rank = rank
        entry.score += weights.dense / (weights.rrf_k + rank)
    for rank, vid in enumerate(keyword, start=1):
        entry = scores.setdefault(vid, ChunkScore(vid, 0.0))
        entry.keyword_rank = rank
        entry.score += weights.keyword / (weights.rrf_k + rank)
    return sorted(scores.values(), key=lambda c: (-c.score, c.vid))


def group(chunks: Sequence[ChunkScore], article_of: Mapping[int, str], weights: FusionWeights) -> list[ArticleGroup]:
    groups: dict[str, ArticleGroup] = {}
    for chunk in chunks:  # best first, so each group's first chunk is its best
        article_id = article_of[chunk.vid]
        if article_id in groups:
            groups[article_id].chunks.append(chunk)
        else:
            groups[article_id] = ArticleGroup(article_id, 0.0, [chunk])
    for g in groups.values():
        g.score = g.chunks[0].score + (weights.extra_chunk * g.chunks[1].score if len(g.chunks) > 1 else 0.0)
    return sorted(groups.values(), key=lambda g: (-g.score, g.article_id))


def normalise_title(title: str | None) -> str | None:
    words = re.findall(r"\w+", (title or "").lower())
    return " ".join(words) if len(words) >= 4 else None


def chunk_fingerprint(text: str, title: str | None) -> tuple[str | None, str]:
    """What identifies a chunk's article as a copy of another: its normalised title (None when too
    short to tell) and the first 300 characters of its normalised leading text."""
    return normalise_title(title), " ".join(re.findall(r"\w+", text[:600].lower()))[:300]


def fold_copies(groups: Sequence[ArticleGroup], fingerprints: Mapping[str, Sequence[str | None]]) -> list[ArticleGroup]:
    """Fold each group into an earlier (better) one that shares a fingerprint (title, passage)."""
    kept: list[ArticleGroup] = []
    owner: dict[str, ArticleGroup] = {}
    for g in groups:
        prints = [p for p in fingerprints.get(g.article_id, ()) if p]
        first = next((owner[p] for p in prints if p in owner), None)
        if first is not None:
            first.copies.append(g.article_id)
            continue
        kept.append(g)
        for p in prints:
            owner[p] = g
    return kept


def relevance_cutoff(weights: FusionWeights, depth: int | None = None) -> float:
    """The fused score of an article ranked ``depth``-th (default ``recent_depth``) by both retrievers."""
    return (weights.dense + weights.keyword) / (weights.rrf_k + (weights.recent_depth if depth is None else depth))


@dataclass(frozen=True)
class TopicFloor:
    """Which hits are *about* a topic, for "the latest on X": hits are sorted by date only after this
    floor, so a rare topic's few articles are not buried under newer, merely nearby ones, and a topic
    the corpus does not cover lists nothing. The fused score alone ranks (RRF knows ranks, not how
    close a match is), so the floor also asks for some cosine similarity, whose scale is the
    embedder's: ``for_backend``. Both chosen on the tune half of eval/topics/topics.jsonl plus
    uncovered topics (bench/latest_topics.py reports both halves)."""

    depth: int = 15  # fused score at least that of an article ranked this deep by both retrievers
    min_dense: float = 0.45  # and at least this cosine similarity to the topic (all-MiniLM-L6-v2)

    @classmethod
    def for_backend(cls, backend: str) -> TopicFloor:
        """The model's floor, or the hash test embedder's (its cosines run about three times lower)."""
        return cls(depth=15, min_dense=0.15) if backend == "hash" else cls()

    def keeps(self, score: float, dense_score: float | None, weights: FusionWeights) -> bool:
        return score >= relevance_cutoff(weights, self.depth) and (dense_score or 0.0) >= self.min_dense


def newest_dated(articles: Iterable[Article]) -> list[Article]:
    """The dated ones of ``articles``, newest first (ties: the larger id first); undated ones are
    never listed as new. What ``/latest`` shows, however the articles were judged to be on its topic."""
    dated = [a for a in articles if a.published is not None]
    return sorted(dated, key=lambda a: (a.published or date.min, a.id), reverse=True)


def order_by_recency(
    groups: Sequence[ArticleGroup], published: Mapping[str, date | None], cutoff: float
) -> list[ArticleGroup]:
    """Newest relevant coverage first, for questions that ask for the latest news.

    ``groups`` come best first. The relevant ones score at least ``cutoff``: among them, dated
    articles come first, newest first (ties by score), then the undated ones by score, since an
    undated article is never treated as new. Less relevant articles follow in score order, so
    recency never lifts a weak match above a strong one. The cutoff is absolute (a rank depth,
    see ``relevance_cutoff``), so the same match counts as relevant whatever else the corpus holds.
    """
    relevant = [g for g in groups if g.score >= cutoff]
    days = {g.article_id: day.toordinal() for g in relevant if (day := published.get(g.article_id)) is not None}
    dated = sorted(
        (g for g in relevant if g.article_id in days), key=lambda g: (-days[g.article_id], -g.score, g.article_id)
    )
    undated = [g for g in relevant if g.article_id not in days]
    return dated + undated + [g for g in groups if g.score < cutoff]


def apply_date_preferences(
    groups: list[ArticleGroup],
    published: Mapping[str, date | None],
    weights: FusionWeights,
    *,
    prefer_recent: bool,
    around: tuple[date, date] | None,
) -> list[ArticleGroup]:
    """Boost articles published in ``around``, then, when the question asks for recent news,
    order the relevant ones by recency (``order_by_recency``)."""
    ranked = list(groups)
    if around:
        for g in ranked:
            day = published.get(g.article_id)
            if day is not None and around[0] <= day <= around[1]:
                g.score += weights.period
        ranked.sort(key=lambda g: (-g.score, g.article_id))
    if prefer_recent:
        ranked = order_by_recency(ranked, published, relevance_cutoff(weights))
    return ranked
