"""Dense similarity between the question and candidate quotes: one more signal in lead selection.

Lexical coverage misses paraphrase ("stock fell" vs "shares were down", "how soon" vs "in 120
days"). The embedder that built the index also scores a short list of candidate windows against
the question; the cost is bounded (a few windows of the top articles, embedded in one batch, and
cached by article and span), so the answer stays fast.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from bot.answering.evidence import Passage

log = logging.getLogger(__name__)


class TextEmbedder(Protocol):
    def embed(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class SemanticTuning:
    weight: float = 0.25  # cosine similarity (0..1 in practice) added to a window's lexical score
    articles: int = 2  # how many of the best-ranked articles get their windows re-scored
    windows: int = 2  # windows per article: the lexical best and its runners-up
    cache_size: int = 4096  # window vectors kept, by (article id, start, end)


class SemanticReranker:
    """Re-picks each short-listed article's quote by lexical score plus weighted cosine similarity."""

    def __init__(self, embedder: TextEmbedder, tuning: SemanticTuning | None = None) -> None:
        self._embedder = embedder
        self.tuning = tuning or SemanticTuning()
        self._cache: OrderedDict[tuple[str, int, int, int], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def _vectors(self, question: str, passages: list[Passage]) -> tuple[np.ndarray, list[np.ndarray]]:
        keys = [(p.article.id, len(p.article.text), p.start, p.end) for p in passages]
        with self._lock:  # answers run in several worker threads; the embedding runs outside the lock
            found = {key: self._cache[key] for key in keys if key in self._cache}
        missing = [i for i, key in enumerate(keys) if key not in found]
        embedded = self._embedder.embed([question] + [passages[i].quote for i in missing])
        for row, i in enumerate(missing, start=1):
            found[keys[i]] = embedded[row]
        with self._lock:
            for key, vector in found.items():
                self._cache[key] = vector
                self._cache.move_to_end(key)
            while len(self._cache) > self.tuning.cache_size:
                self._cache.popitem(last=False)
        return embedded[0], [found[key] for key in keys]

    def rescore(self, question: str, passages: list[Passage]) -> list[Passage]:
        """For each passage (an article's lexical best), the best of it and its runners-up once
        dense similarity to the question counts; its ``score`` then includes that similarity."""
        if not passages:
            return []
        options = [[p, *p.runners_up[: self.tuning.windows - 1]] for p in passages]
        flat = [o for group in options for o in group if o.end > o.start]
        if not flat:
            return passages
        question_vector, vectors = self._vectors(question, flat)
        similarity = {(o.article.id, o.start, o.end): float(v @ question_vector) for o, v in zip(flat, vectors)}
        rescored: list[Passage] = []
        for group in options:
            scored = [
                replace(o, score=o.score + self.tuning.weight * similarity.get((o.article.id, o.start, o.end), 0.0))
                for o in group
            ]
            best = max(scored, key=lambda o: o.score)
            rescored.append(replace(best, runners_up=()))
        return rescored
