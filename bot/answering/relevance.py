"""Does an article cover a topic? One judgement, a probability, shared by follows and timelines.

``Relevance`` is the whole contract: ``scores(topic, articles)`` gives, for each article, the
probability in [0, 1] that it is *about* the topic (not merely mentions it). Callers compare it
with a floor (the topic model's threshold, chosen on the tune topics); they never look at words
themselves. Any model that keeps this contract can replace :class:`TopicRelevance` without
touching the follow or timeline code.

:class:`TopicRelevance` reads each article as the answer engine reads a candidate: the topic parsed
by ``Query.parse`` with the answerer's term weights and the topic's vector (its misspelt names
spelt as the articles write them: ``spelling``), the article by
``Reading`` with its sentence vectors stored at indexing time, the signals of ``topic_features``
relative to the topic's reference articles (its top search hits), and two pointwise
``LinearModel``s fitted on the tune topics by ``bench/topic_relevance.py --fit``: the seed model
(``models/topic_seed.json``) scores the reference articles, and the topic model
(``models/topic.json``) turns an article's signals and its likeness to the surest reference
articles into the probability. Nothing is embedded per article, and the topics of a matching round
are embedded in one batch (``prepare``) and searched with those vectors; each topic's vector and
scored reference are kept for the index generation, so later rounds only read the new articles.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np

from bot.answering.evidence import Query, Reading
from bot.answering.model import LinearModel, ModelMismatch
from bot.answering.spelling import correct_names
from bot.answering.terms import TermWeights
from bot.answering.topic_features import (
    SEED,
    TOPIC,
    Reference,
    Signals,
    TermVector,
    Vocabulary,
    seed_features,
    signals,
    term_vector,
    topic_features,
)
from corpus.types import Article
from index.sentences import SentenceVectors
from index.timeparse import parse_time, topic_of
from index.types import Embedded, SearchResult

REFERENCE_HITS = 20  # the articles hybrid search ranks highest for a topic set its reference level
TOPIC_CACHE = 1024  # topics whose vector and reference are kept (for the current index generation)
ARTICLE_CACHE = 4096  # articles whose stored sentence vectors are kept (a batch is scored for every topic)


class Relevance(Protocol):
    """The probability that each article is about ``topic`` (same order, values in [0, 1])."""

    def scores(self, topic: str, articles: Sequence[Article]) -> list[float]: ...

    def prepare(self, topics: Sequence[str]) -> None:
        """Do the per-topic work for these topics at once (``scores`` is right without it, only slower)."""


class TopicEmbedder(Protocol):
    def embed(self, texts: list[str]) -> np.ndarray: ...


class TopicIndex(Protocol):
    """What :class:`TopicRelevance` needs from the index: its embedder, its hybrid search (given the
    topic's vector when it was embedded beforehand) and the sentence vectors it stored."""

    @property
    def embedder(self) -> TopicEmbedder: ...

    def search(
        self, query: str, *, k: int = 5, vector: np.ndarray | None = None, known: Embedded | None = None
    ) -> SearchResult: ...

    def sentence_vectors(self, article_ids: list[str]) -> dict[str, SentenceVectors]: ...


@dataclass(frozen=True)
class TopicModels:
    """The seed model (scores a topic's reference articles) and the topic model (its threshold is
    the relevance floor)."""

    seed: LinearModel
    topic: LinearModel

    @classmethod
    def load(cls) -> TopicModels:
        return cls(LinearModel.load("topic_seed"), LinearModel.load("topic")).check()

    def check(self) -> TopicModels:
        """Refuse models fitted on other features than the code computes."""
        for model, names in ((self.seed, SEED), (self.topic, TOPIC)):
            if tuple(model.names) != names:
                raise ModelMismatch(
                    f"topic model features {list(model.names)} differ from the code's {list(names)}; "
                    "refit them with `python bench/topic_relevance.py --fit`"
                )
        return self


@dataclass(frozen=True)
class Topic:
    """A topic as parsed (with its vector) and its reference articles' signals."""

    query: Query
    reference: Reference


class TopicRelevance:
    """The default :class:`Relevance`: the answer engine's reading of an article, through the topic model.

    ``weights`` gives the current term weights (the answerer's, recomputed when the index changes);
    ``version`` names the index generation: topics and sentence vectors kept for an older one are
    dropped. Thread-safe: follows are matched and timelines drawn in worker threads.
    """

    def __init__(
        self,
        index: TopicIndex,
        *,
        weights: Callable[[], TermWeights],
        version: Callable[[], str],
        models: TopicModels | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._index = index
        self._weights = weights
        self._version = version
        self._today = today
        self.models = (models or TopicModels.load()).check()
        self._lock = threading.Lock()
        self._generation = ""
        self._topics: OrderedDict[str, Topic] = OrderedDict()
        self._stored: OrderedDict[str, SentenceVectors | None] = OrderedDict()
        self._terms: OrderedDict[str, TermVector] = OrderedDict()
        # Never reset: a topic read before a generation swap must stay comparable with articles after it.
        self._vocabulary = Vocabulary()

    @property
    def floor(self) -> float:
        """The probability at or above which an article counts as about the topic."""
        return self.models.topic.threshold

    def _current(self) -> None:
        """Drop what was kept for an older index generation (call with the lock held)."""
        generation = self._version()
        if generation != self._generation:
            self._generation = generation
            self._topics.clear()
            self._stored.clear()
            self._terms.clear()

    def stored(self, article_ids: Sequence[str]) -> dict[str, SentenceVectors | None]:
        """The stored sentence vectors of these articles (None for an article without them)."""
        with self._lock:
            self._current()
            found = {i: self._stored[i] for i in article_ids if i in self._stored}
        missing = [i for i in dict.fromkeys(article_ids) if i not in found]
        if missing:
            loaded = self._index.sentence_vectors(missing)
            fresh = {i: loaded.get(i) for i in missing}
            found.update(fresh)
            with self._lock:
                self._stored.update(fresh)
                while len(self._stored) > ARTICLE_CACHE:
                    self._stored.popitem(last=False)
        return found

    def _term_vector(self, reading: Reading, weights: TermWeights) -> TermVector:
        article_id = reading.article.id
        with self._lock:
            found = self._terms.get(article_id)
        if found is None:
            found = term_vector(reading, weights, self._vocabulary)
            with self._lock:
                self._terms[article_id] = found
                while len(self._terms) > ARTICLE_CACHE:
                    self._terms.popitem(last=False)
        return found

    def read(self, query: Query, articles: Sequence[Article]) -> list[Signals]:
        """Each article's signals for the parsed topic."""
        stored = self.stored([a.id for a in articles])
        weights = self._weights()
        found = []
        for article in articles:
            vectors = stored.get(article.id)
            if vectors is not None:
                reading = Reading(article, query, spans=vectors.spans, vectors=vectors.vectors)
            else:
                reading = Reading(article, query)
            matrix = vectors.vectors if vectors is not None else None
            found.append(signals(reading, weights, matrix, self._term_vector(reading, weights)))
        return found

    def reference(
        self, topic: str, vector: np.ndarray | None = None, known: Embedded | None = None
    ) -> tuple[Query, tuple[Signals, ...]]:
        """The topic parsed with its vector, and the signals of the articles the search ranks highest
        for it (one search; not kept: ``topic`` keeps it, scored by the seed model). ``vector``: the
        topic's embedding when it was computed beforehand; ``known``: a text this index's embedder
        embedded and its vector, which the search uses when it would embed that same text."""
        topic = self._spelt(topic)
        result = self._index.search(topic, k=REFERENCE_HITS, vector=vector, known=known)
        query = Query.parse(topic, self._weights(), today=self._today(), vector=result.query_vector)
        return query, tuple(self.read(query, [hit.article for hit in result.hits]))

    @staticmethod
    def _key(topic: str) -> str:
        return " ".join(topic.lower().split())

    def _spelt(self, topic: str) -> str:
        """The topic with its misspelt names spelt as the articles write them ("nexpria": Nexperia)."""
        return correct_names(topic, self._weights()).text

    def prepare(self, topics: Sequence[str]) -> None:
        """Embed every topic not yet kept in one batch, then find and score its reference."""
        with self._lock:
            self._current()
            todo = list({self._key(t): t for t in topics if t.strip() and self._key(t) not in self._topics}.values())
        if not todo:
            return
        today = self._today()
        spelt = [self._spelt(t) for t in todo]
        vectors = self._index.embedder.embed([topic_of(t, parse_time(t, today)) for t in spelt])
        for topic, vector in zip(todo, vectors):
            self.topic(topic, vector)

    def topic(self, topic: str, vector: np.ndarray | None = None, known: Embedded | None = None) -> Topic:
        """The parsed topic and its seed-scored reference (kept for the index generation); ``vector``
        and ``known`` as for ``reference``."""
        key = self._key(topic)
        with self._lock:
            self._current()
            found = self._topics.get(key)
        if found is not None:
            return found
        query, members = self.reference(topic, vector, known)
        seeds = self.models.seed.probabilities(seed_features(members, Reference(members)))
        found = Topic(query, Reference(members, tuple(float(p) for p in seeds)))
        with self._lock:
            self._topics[key] = found
            while len(self._topics) > TOPIC_CACHE:
                self._topics.popitem(last=False)
        return found

    def features(self, topic: str, articles: Sequence[Article], known: Embedded | None = None) -> np.ndarray:
        """Each article's ``TOPIC`` features for ``topic`` (one row per article)."""
        parsed = self.topic(topic, known=known)
        return topic_features(self.read(parsed.query, articles), parsed.reference)

    def scores(self, topic: str, articles: Sequence[Article], *, known: Embedded | None = None) -> list[float]:
        """``known``: a text this index's embedder embedded and its vector (a question's search),
        saving the topic's own embedding when its reference search would embed the same text."""
        if not topic.strip() or not articles:
            return [0.0] * len(articles)
        return [float(p) for p in self.models.topic.probabilities(self.features(topic, articles, known))]
