"""Typed records returned by retrieval."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from corpus.types import Article, Chunk

Embedded = tuple[str, np.ndarray]  # a text and an embedder's vector of it


@dataclass
class Hit:
    """One article found for a query, with its best-matching chunk first.

    Results are grouped by article (and syndicated copies are folded into their article),
    so ``chunks`` holds the article's other matching chunks, best first.
    """

    article: Article
    chunk: Chunk
    score: float
    dense_rank: int | None = None  # 1-based rank of the chunk in the dense results
    keyword_rank: int | None = None  # 1-based rank of the chunk in the BM25 results
    chunks: list[Chunk] = field(default_factory=list)
    dense_score: float | None = None  # best cosine similarity of the article's chunks to the query
    keyword_score: float | None = None  # best BM25 score of the article's chunks (higher is better)
    copies: list[str] = field(default_factory=list)  # ids of syndicated copies folded into this hit


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    since: date | None = None
    until: date | None = None
    sources: list[str] | None = None
    recency: str | None = None  # the recency phrase understood in the question, if any
    timings_ms: dict[str, float] = field(default_factory=dict)
    query_vector: np.ndarray | None = None  # the embedded question (its topic), unit-norm
    embedded: str | None = None  # the text ``query_vector`` embeds: the question's topic (``timeparse.topic_of``)

    @property
    def embedding(self) -> Embedded | None:
        """The question's topic and its vector, for another search of the same words (``Index.search(known=)``)."""
        if self.embedded is None or self.query_vector is None:
            return None
        return self.embedded, self.query_vector
