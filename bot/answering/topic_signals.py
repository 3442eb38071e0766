"""The signals behind "is this article about the topic?": the answer engine's, per article.

Lexical signals come from ``Query`` / ``best_passage`` exactly as lead selection and abstention
compute them; dense ones compare the topic's vector with the article's chunk vectors (the ones
the index searches). ``features`` adds each signal relative to the topic's reference level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields
from typing import Protocol

import numpy as np

from bot.answering.evidence import Query, best_passage
from bot.answering.terms import tokens
from corpus.types import Article

LEAD_CHARS = 400  # the opening of an article: what it is about, as a reader skims it
REFERENCE_TOP = 5  # the reference level of a signal: the mean of its best values among the reference articles
MIN_LEVEL = 0.3  # a reference level below this counts as this: a topic nothing covers yet does not inflate weak matches


class ArticleVectors(Protocol):
    """Unit vectors in the index's embedding space: the topic's, and each chunk's of an article."""

    def topic_vector(self, topic: str) -> np.ndarray: ...

    def vectors(self, article: Article) -> np.ndarray: ...


@dataclass(frozen=True)
class TopicSignals:
    article_coverage: float  # IDF-weighted share of the topic's terms anywhere in the article
    passage_coverage: float  # the same in its best passage of one to three sentences
    title_coverage: float
    lead_coverage: float
    missing_entities: int  # names in the topic the article never mentions
    dense_max: float  # cosine similarity of the topic to the article's closest chunk
    dense_mean: float  # ... to its chunks on average: the whole article is about it
    dense_first: float  # ... to its first chunk (title and lead)

    def features(self, levels: Sequence[float]) -> list[float]:
        """The signals, then the relative ones (signal / the topic's reference level of it)."""
        return [float(v) for v in astuple(self)] + [getattr(self, n) / lv for n, lv in zip(RELATIVE, levels)]


# Read relative to the topic's reference level: every signal but the count of missing names.
RELATIVE = tuple(f.name for f in fields(TopicSignals) if f.name != "missing_entities")
FEATURE_NAMES = tuple(f.name for f in fields(TopicSignals)) + tuple(f"{n}/ref" for n in RELATIVE)


def reference_levels(reference: Sequence[TopicSignals]) -> list[float]:
    """Per relative signal, the mean of its ``REFERENCE_TOP`` best values among the reference articles."""
    levels: list[float] = []
    for name in RELATIVE:
        best = sorted((getattr(s, name) for s in reference), reverse=True)[:REFERENCE_TOP]
        levels.append(max(sum(best) / len(best), MIN_LEVEL) if best else MIN_LEVEL)
    return levels


def topic_signals(query: Query, article: Article, vectors: np.ndarray, topic_vector: np.ndarray) -> TopicSignals:
    passage = best_passage(article, query)
    if len(vectors):
        similarity = np.asarray(vectors, dtype=np.float32) @ np.asarray(topic_vector, dtype=np.float32)
        dense = (float(similarity.max()), float(similarity.mean()), float(similarity[0]))
    else:
        dense = (0.0, 0.0, 0.0)
    return TopicSignals(
        article_coverage=passage.article_coverage,
        passage_coverage=passage.best_coverage,
        title_coverage=query.coverage(set(tokens(article.title or ""))),
        lead_coverage=query.coverage(set(tokens(article.text[:LEAD_CHARS]))),
        missing_entities=len(passage.missing_entities),
        dense_max=dense[0],
        dense_mean=dense[1],
        dense_first=dense[2],
    )
