"""The signals behind "is this article about the topic?", read the way the answer engine reads a candidate.

A topic is parsed like a question (``Query.parse``: the answerer's term weights, stems and names)
and each article is read against it (``Reading``: its quote sentences and their similarity to the
topic, from the sentence vectors stored at indexing time). The signals are the answer engine's
article features that do not depend on a search: coverage of the topic's terms (article, title,
lead, best window), whole-article BM25 (``features.bm25``), names never mentioned, and sentence
similarity (best, best three, mean, lead), plus the share of sentences on the topic.

Topics differ in how high these run (a company name is covered in full by every article on it, a
policy phrase rarely is), so each scaled signal is also read relative to the topic's *reference
level*: the mean of its ``REFERENCE_TOP`` best values among the articles the hybrid search ranks
highest for the topic, the scored article left out (``Reference``). These are the ``SEED``
features, and the seed model turns them into a first probability.

A broad topic ("semiconductor manufacturing equipment export controls") has articles that share
few of its words (an ASML licence revoked); they read like the topic's surest articles, though.
So the ``NEIGHBOUR`` features compare an article with the reference articles, each weighted by
its seed probability: in words (cosines of IDF-weighted term vectors) and in meaning (cosines of
mean sentence vectors). ``TOPIC`` = seed features + neighbour features, for the topic model.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from bot.answering.evidence import Reading
from bot.answering.features import bm25
from bot.answering.terms import TermWeights

LEAD_SENTENCES = 3  # the opening of an article: what it is about, as a reader skims it
TOP_SENTENCES = 3  # "dense_top": the mean similarity of this many best sentences
NEAR_SENTENCE = 0.45  # a sentence this similar to the topic (MiniLM cosine) counts as on it
REFERENCE_TOP = 5  # a signal's reference level: the mean of its best values among the reference articles

SCALED = (
    "coverage_article",  # IDF-weighted share of the topic's terms anywhere in the article
    "coverage_title",
    "coverage_lead",  # ... in its first three sentences
    "coverage_window",  # ... in its best window of one to three sentences
    "bm25_article",  # whole-article BM25 of the topic's terms
    "dense_sentence",  # best cosine of a sentence to the topic
    "dense_top",  # mean of the three best
    "dense_mean",  # mean over all sentences: the whole article is about it
    "dense_lead",  # best of the first three sentences
    "on_topic",  # share of sentences holding the topic's rarest term or close to it in meaning
)
# A signal's reference level is never taken below this: a topic nothing covers well yet does not
# make weak matches look strong. BM25 runs on another scale than shares and cosines.
MIN_LEVEL = dict.fromkeys(SCALED, 0.3) | {"bm25_article": 3.0}
SEED = (
    *SCALED,
    "missing_names",  # share of the topic's names the article never mentions
    "centroid",  # cosine of the article's mean sentence vector to its reference articles' mean
    *(f"{name}/ref" for name in SCALED),
)
NEIGHBOUR = (
    "words_like_sure",  # max over reference articles of (word cosine x seed probability)
    "words_like_mean",  # seed-weighted mean word cosine to the reference articles
    "meaning_like_sure",  # the same with mean sentence vectors
    "meaning_like_mean",
)
TOPIC = SEED + NEIGHBOUR


@dataclass(frozen=True)
class TermVector:
    """A sparse unit-norm vector of weighted terms: the ``values`` of vocabulary ``columns`` (sorted)."""

    columns: np.ndarray  # int64
    values: np.ndarray  # float64


class Vocabulary:
    """Term -> column of the term vectors (one per reader, grown as terms are met; thread-safe).

    Columns let word likeness be one matrix product per batch (``term_matrix``) instead of a
    dictionary walk per pair of articles."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def vector(self, weighted: dict[str, float]) -> TermVector:
        """``weighted`` (term -> weight) as a term vector."""
        with self._lock:
            columns = np.array([self._ids.setdefault(term, len(self._ids)) for term in weighted], dtype=np.int64)
        order = np.argsort(columns)
        return TermVector(columns[order], np.fromiter(weighted.values(), dtype=np.float64, count=len(columns))[order])


def term_matrices(*groups: Sequence[TermVector]) -> list[np.ndarray]:
    """Each group's vectors as dense rows over the columns any of them uses (so rows of different
    groups can be multiplied)."""
    used = np.unique(np.concatenate([v.columns for group in groups for v in group] or [np.zeros(0, np.int64)]))
    matrices = []
    for group in groups:
        matrix = np.zeros((len(group), len(used)))
        for i, v in enumerate(group):
            matrix[i, np.searchsorted(used, v.columns)] = v.values
        matrices.append(matrix)
    return matrices


@dataclass(frozen=True)
class Signals:
    """One article's signals for one topic, before the reference level."""

    article_id: str
    scaled: np.ndarray  # ``SCALED`` values
    missing_names: float
    centroid: np.ndarray | None  # unit-norm mean of its sentence vectors (None without vectors)
    terms: TermVector  # its ``term_vector``


def _unit(vector: np.ndarray) -> np.ndarray | None:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-9 else None


def article_terms(reading: Reading, weights: TermWeights) -> dict[str, float]:
    """The article's terms weighted by (1 + log of the sentences holding them) x BM25 IDF, unit norm,
    in term order: what it is about, in words, whatever the question.

    Counting sentences (the title as one) reuses the reading's terms; stopwords weigh next to nothing."""
    counts = Counter(t for terms in (reading.title_terms, *reading.sentence_terms) for t in terms)
    # Sorted: set order changes with the process's hash seed, and so would the sums' rounding.
    raw = {t: (1.0 + math.log(counts[t])) * weights.bm25_idf(t) for t in sorted(counts)}
    norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
    return {t: v / norm for t, v in raw.items()}


def likeness(a: dict[str, float], b: dict[str, float]) -> float:
    """The cosine of two articles' ``article_terms``: how far they tell the same story in the same words."""
    if len(b) < len(a):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def term_vector(reading: Reading, weights: TermWeights, vocabulary: Vocabulary) -> TermVector:
    """The article's ``article_terms`` as a term vector of ``vocabulary``."""
    return vocabulary.vector(article_terms(reading, weights))


def signals(reading: Reading, weights: TermWeights, vectors: np.ndarray | None, terms: TermVector) -> Signals:
    """The signals of ``reading`` (an article read against a topic); ``vectors``: its stored sentence
    vectors; ``terms``: its ``term_vector`` (topic-independent, so computed once per article)."""
    query, sims = reading.query, reading.similarity
    lead_terms = frozenset().union(*reading.sentence_terms[:LEAD_SENTENCES])
    rarest = max(query.terms, key=lambda t: query.weights[t], default=None)
    n = len(sims)
    near = sims >= NEAR_SENTENCE
    if rarest is not None and n:
        near = near | np.array([rarest in terms for terms in reading.sentence_terms], dtype=bool)
    top = np.sort(sims)[::-1][:TOP_SENTENCES] if n else np.zeros(1)
    values = {
        "coverage_article": query.coverage(reading.terms),
        "coverage_title": query.coverage(reading.title_terms),
        "coverage_lead": query.coverage(lead_terms),
        "coverage_window": float(reading.window_coverage.max()) if len(reading.windows) else 0.0,
        "bm25_article": bm25(reading, weights),
        "dense_sentence": float(sims.max()) if n else 0.0,
        "dense_top": float(top.mean()),
        "dense_mean": float(sims.mean()) if n else 0.0,
        "dense_lead": float(sims[:LEAD_SENTENCES].max()) if n else 0.0,
        "on_topic": float(near.mean()) if n else 0.0,
    }
    missing = len(reading.missing_entities) / len(query.entities) if query.entities else 0.0
    centroid = _unit(vectors.mean(axis=0)) if vectors is not None and len(vectors) else None
    return Signals(reading.article.id, np.array([values[k] for k in SCALED]), missing, centroid, terms)


def _centroids(found: Sequence[Signals], dim: int) -> np.ndarray:
    """Each article's centroid as a row (zeros where it has none)."""
    rows = np.zeros((len(found), dim))
    for i, s in enumerate(found):
        if s.centroid is not None:
            rows[i] = s.centroid
    return rows


@dataclass(frozen=True)
class Reference:
    """The signals of the articles the search ranks highest for a topic, in its order, and their
    seed probabilities (None until the seed model has scored them)."""

    members: tuple[Signals, ...]
    seeds: tuple[float, ...] | None = None

    @cached_property
    def _levels(self) -> dict[str, np.ndarray]:
        return {}

    def levels(self, leave_out: str) -> np.ndarray:
        """Per scaled signal, the mean of its ``REFERENCE_TOP`` best values among the members other
        than ``leave_out`` (an article is never compared with itself), at least ``MIN_LEVEL``."""
        key = leave_out if any(m.article_id == leave_out for m in self.members) else ""
        found = self._levels.get(key)
        if found is None:
            floor = np.array([MIN_LEVEL[name] for name in SCALED])
            rows = [m.scaled for m in self.members if m.article_id != leave_out]
            best = -np.sort(-np.vstack(rows), axis=0)[:REFERENCE_TOP] if rows else floor[None, :]
            found = self._levels[key] = np.maximum(best.mean(axis=0), floor)
        return found

    @cached_property
    def _centroids(self) -> dict[str, np.ndarray | None]:
        return {}

    def centroid(self, leave_out: str) -> np.ndarray | None:
        """The unit mean of the first ``REFERENCE_TOP`` members' centroids (``leave_out`` left out)."""
        key = leave_out if any(m.article_id == leave_out for m in self.members) else ""
        if key not in self._centroids:
            found = [m.centroid for m in self.members if m.article_id != leave_out and m.centroid is not None]
            self._centroids[key] = _unit(np.mean(found[:REFERENCE_TOP], axis=0)) if found else None
        return self._centroids[key]

    def neighbours(self, found: Sequence[Signals]) -> np.ndarray:
        """The ``NEIGHBOUR`` rows of ``found``: each article's likeness to the members, weighted by their
        seed probabilities (a member is never its own neighbour)."""
        if self.seeds is None:
            raise ValueError("the reference has no seed probabilities yet: score its members first")
        rows = np.zeros((len(found), len(NEIGHBOUR)))
        if not found or not self.members:
            return rows
        found_terms, member_terms = term_matrices([s.terms for s in found], [m.terms for m in self.members])
        words = found_terms @ member_terms.T
        dim = next((s.centroid.shape[0] for s in (*found, *self.members) if s.centroid is not None), 1)
        meaning = _centroids(found, dim) @ _centroids(self.members, dim).T
        same = np.array([[s.article_id == m.article_id for m in self.members] for s in found], dtype=bool)
        seeds = np.where(same, 0.0, np.asarray(self.seeds)[None, :])
        total = seeds.sum(axis=1)
        total[total == 0] = 1.0
        for j, likeness in enumerate((words, meaning)):
            rows[:, 2 * j] = (likeness * seeds).max(axis=1)
            rows[:, 2 * j + 1] = (likeness * seeds).sum(axis=1) / total
        return rows


def _cosine(a: np.ndarray | None, b: np.ndarray | None) -> float:
    return float(a @ b) if a is not None and b is not None else 0.0


def seed_features(found: Sequence[Signals], reference: Reference) -> np.ndarray:
    """One ``SEED`` row per article: its signals, then the scaled ones over the reference level."""
    rows = np.zeros((len(found), len(SEED)), dtype=np.float64)
    for i, s in enumerate(found):
        similarity = _cosine(s.centroid, reference.centroid(s.article_id))
        rows[i] = np.concatenate([s.scaled, [s.missing_names, similarity], s.scaled / reference.levels(s.article_id)])
    return rows


def topic_features(found: Sequence[Signals], reference: Reference) -> np.ndarray:
    """One ``TOPIC`` row per article: the seed features, then the neighbour ones (the reference
    must carry its seed probabilities)."""
    return np.hstack([seed_features(found, reference), reference.neighbours(found)])
