"""Does an article cover a topic? One judgement, a probability, shared by follows and timelines.

``Relevance`` is the whole contract: ``scores(topic, articles)`` gives, for each article, the
probability in [0, 1] that it is *about* the topic (not merely mentions it). Callers compare it
with a floor (``DEFAULT_FLOOR``, chosen on the tune topics); they never look at words themselves.
Any model that keeps this contract can replace :class:`TopicRelevance`, e.g. a learned ranker's
calibrated probability, without touching the follow or timeline code.

:class:`TopicRelevance` is built on the answer engine's own signals: how much of the topic the
article's best passage, its title, lead and whole text cover (``Query`` / ``best_passage``, the
numbers ``AbstainPolicy`` judges), the names the article never mentions, and the dense similarity
of the topic to the article's chunks (``ArticleVectors``). Topics differ in how high those run (a
two-word company name is covered in full by every article on it; a policy phrase rarely is), so
each signal is also read relative to the *reference level* of the topic: what the articles that
the index's hybrid search ranks highest for it score (the scored article itself left out). A
logistic model over both (``topic_model.TOPIC_MODEL``) turns them into the probability.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from bot.answering.evidence import Query
from bot.answering.terms import TermWeights
from bot.answering.topic_model import TOPIC_MODEL, LogisticModel
from bot.answering.topic_signals import ArticleVectors, TopicSignals, reference_levels, topic_signals
from corpus.types import Article
from index.types import SearchResult

REFERENCE_HITS = 20  # the articles hybrid search ranks highest for a topic set its reference level
REFERENCE_CACHE = 512  # topics whose reference level is kept (per index generation)


class Relevance(Protocol):
    """The probability that each article is about ``topic`` (same order, values in [0, 1])."""

    def scores(self, topic: str, articles: Sequence[Article]) -> list[float]: ...


class TopicSearch(Protocol):
    """What :class:`TopicRelevance` needs from the index: its hybrid search."""

    def search(self, query: str, *, k: int = 5) -> SearchResult: ...


class TopicRelevance:
    """The default :class:`Relevance`: the answer engine's signals through a fitted logistic model.

    ``weights`` gives the current term weights (the answerer's, recomputed when the index
    changes); ``version`` names the index generation, so reference levels are recomputed when it
    changes. Thread-safe: follows are matched and timelines drawn in worker threads.
    """

    def __init__(
        self,
        search: TopicSearch,
        vectors: ArticleVectors,
        *,
        weights: Callable[[], TermWeights],
        version: Callable[[], str],
        model: LogisticModel = TOPIC_MODEL,
    ) -> None:
        self._search = search
        self._vectors = vectors
        self._weights = weights
        self._version = version
        self.model = model
        self._lock = threading.Lock()
        self._references: dict[tuple[str, str], list[tuple[str, TopicSignals]]] = {}

    def signals(self, topic: str, articles: Sequence[Article]) -> list[TopicSignals]:
        """The raw signals of each article for ``topic`` (before the reference level)."""
        query = Query.parse(topic, self._weights())
        topic_vector = self._vectors.topic_vector(topic)
        return [topic_signals(query, article, self._vectors.vectors(article), topic_vector) for article in articles]

    def reference(self, topic: str) -> list[tuple[str, TopicSignals]]:
        """(article id, signals) of the articles the index ranks highest for ``topic``."""
        key = (self._version(), topic)
        with self._lock:
            found = self._references.get(key)
        if found is not None:
            return found
        articles = [hit.article for hit in self._search.search(topic, k=REFERENCE_HITS).hits]
        found = list(zip((a.id for a in articles), self.signals(topic, articles)))
        with self._lock:
            # a new generation makes every older reference stale; past the cap, the oldest go
            self._references = {k: v for k, v in self._references.items() if k[0] == key[0]}
            while len(self._references) >= REFERENCE_CACHE:
                self._references.pop(next(iter(self._references)))
            self._references[key] = found
        return found

    def features(self, topic: str, articles: Sequence[Article]) -> list[list[float]]:
        """Each article's model features (``topic_signals.FEATURE_NAMES``) for ``topic``."""
        reference = self.reference(topic)
        out = []
        for article, signals in zip(articles, self.signals(topic, articles)):
            levels = reference_levels([s for article_id, s in reference if article_id != article.id])
            out.append(signals.features(levels))
        return out

    def scores(self, topic: str, articles: Sequence[Article]) -> list[float]:
        if not topic.strip() or not articles:
            return [0.0] * len(articles)
        return [self.model.probability(features) for features in self.features(topic, articles)]
