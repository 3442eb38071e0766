"""Fitting the topic models (``models/topic_seed.json``, ``models/topic.json``) on the tune topics.

Every article of the labelled corpus is read against every topic once, and each topic's reference
articles with it (``read_topics``). Then, with scikit-learn's logistic regression (``training.fit``)
on the tune topics only, folds never splitting a topic:
- the seed model on the ``SEED`` features;
- the topic model on the ``TOPIC`` features, whose neighbour part weighs each topic's reference
  articles by the seed model fitted WITHOUT that topic's fold (as a follow's topic is unseen);
- each model's regularisation is the one whose out-of-fold probabilities rank the articles of
  held-out topics best (average precision), and the topic model's threshold, the relevance floor,
  is chosen on its out-of-fold probabilities (``choose_floor``).
The test topics are only measured. Deterministic: fixed folds (a hash of the topic), a
deterministic solver, inputs in file order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.answering.model import LinearModel
from bot.answering.relevance import TopicModels, TopicRelevance
from bot.answering.topic_eval import LabelledTopic, MatchFigures, choose_floor, match_figures
from bot.answering.topic_features import SEED, TOPIC, Reference, Signals, seed_features, topic_features
from bot.service.training import C_GRID, FOLDS, fit
from corpus.types import Article

MIN_PRECISION = 0.9  # the floor is the lowest whose out-of-fold tune precision reaches this


def fold_of(topic: str, folds: int = FOLDS) -> int:
    """A topic's fold: a hash of its name, so adding a topic moves no other."""
    return int(hashlib.sha256(f"chipbot-fold:{topic}".encode()).hexdigest(), 16) % folds


@dataclass(frozen=True)
class TopicRead:
    """One labelled topic read against every corpus article (``ids`` order) and its reference."""

    topic: LabelledTopic
    found: tuple[Signals, ...]  # one per corpus article (a folded copy: its article's)
    members: tuple[Signals, ...]  # the reference articles, search order
    labels: np.ndarray  # the article is about the topic
    counted: np.ndarray  # not borderline: counted right or wrong

    @property
    def fold(self) -> int:
        return fold_of(self.topic.topic)

    def seed_rows(self) -> np.ndarray:
        return seed_features(self.found, Reference(self.members))

    def topic_rows(self, seed: LinearModel) -> np.ndarray:
        seeds = seed.probabilities(seed_features(self.members, Reference(self.members)))
        return topic_features(self.found, Reference(self.members, tuple(float(p) for p in seeds)))


def read_topics(
    relevance: TopicRelevance, articles: Sequence[Article], ids: Sequence[str], topics: Sequence[LabelledTopic]
) -> list[TopicRead]:
    """Read every corpus article (``ids``) for every topic. ``articles`` are the index's: a
    syndicated copy folded into one of them is read as that article (one post lists both)."""
    parent = {a.id: a.id for a in articles}
    parent.update({alt.article_id: a.id for a in articles for alt in a.alternates if alt.article_id})
    known = [i for i in ids if i in parent]
    position = {a.id: n for n, a in enumerate(articles)}
    found = []
    for topic in topics:
        query, members = relevance.reference(topic.topic)
        signals = relevance.read(query, articles)
        found.append(
            TopicRead(
                topic,
                tuple(signals[position[parent[i]]] for i in known),
                members,
                np.array([i in topic.articles for i in known], dtype=bool),
                np.array([i not in topic.borderline for i in known], dtype=bool),
            )
        )
    return found


def _stack(group: Sequence[TopicRead], rows: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.vstack([x[t.counted] for t, x in zip(group, rows)]),
        np.concatenate([t.labels[t.counted] for t in group]),
    )


def per_fold(group: Sequence[TopicRead], rows: Sequence[np.ndarray], c: float, names: tuple[str, ...]):
    """One model per fold, fitted on the other folds' topics."""
    folds = sorted({t.fold for t in group})
    models = {}
    for k in folds:
        rest = [i for i, t in enumerate(group) if t.fold != k]
        models[k] = fit(*_stack([group[i] for i in rest], [rows[i] for i in rest]), c, names, {})
    return models


def _average_precision(group: Sequence[TopicRead], probabilities: Sequence[np.ndarray]) -> float:
    from sklearn.metrics import average_precision_score

    y = np.concatenate([t.labels[t.counted] for t in group])
    p = np.concatenate([p[t.counted] for t, p in zip(group, probabilities)])
    return round(float(average_precision_score(y, p)), 4)


def _choose_c(group: Sequence[TopicRead], rows: Sequence[np.ndarray], names: tuple[str, ...]):
    """The regularisation with the best out-of-fold average precision (ties: the stronger)."""
    scores = {}
    for c in C_GRID:
        models = per_fold(group, rows, c, names)
        scores[c] = _average_precision(group, [models[t.fold].probabilities(x) for t, x in zip(group, rows)])
    return max(C_GRID, key=lambda value: (scores[value], -value)), scores


def by_pair(group: Sequence[TopicRead], ids: Sequence[str], probabilities: Sequence[np.ndarray]):
    """(topic, article id) -> probability."""
    return {(t.topic.topic, i): float(v) for t, p in zip(group, probabilities) for i, v in zip(ids, p)}


def figures_at(
    group: Sequence[TopicRead], ids: Sequence[str], probabilities: Mapping[tuple[str, str], float], floor: float
) -> MatchFigures:
    alerts: dict[str, set[str]] = {}
    for (topic, article_id), p in probabilities.items():
        if p >= floor:
            alerts.setdefault(topic, set()).add(article_id)
    return match_figures([t.topic for t in group], ids, alerts)


@dataclass(frozen=True)
class Fitted:
    models: TopicModels
    held_out: dict[tuple[str, str], float]  # out-of-fold topic-model probabilities of the tune pairs


def fit_topic_models(tune: Sequence[TopicRead], ids: Sequence[str], embedder: str = "") -> Fitted:
    """The seed and topic models fitted on ``tune``, the floor chosen out of fold."""
    if len({t.fold for t in tune}) < 2:
        raise ValueError("fitting the topic models needs tune topics in at least two folds")
    seed_x = [t.seed_rows() for t in tune]
    seed_c, seed_scores = _choose_c(tune, seed_x, SEED)
    seed_folds = per_fold(tune, seed_x, seed_c, SEED)
    topic_x = [t.topic_rows(seed_folds[t.fold]) for t in tune]  # each topic's seeds from a model blind to it
    topic_c, topic_scores = _choose_c(tune, topic_x, TOPIC)
    topic_folds = per_fold(tune, topic_x, topic_c, TOPIC)
    held_out = by_pair(tune, ids, [topic_folds[t.fold].probabilities(x) for t, x in zip(tune, topic_x)])
    floor = choose_floor([t.topic for t in tune], list(ids), held_out, min_precision=MIN_PRECISION)
    cv = figures_at(tune, ids, held_out, floor)
    common = {"topics": len(tune), "embedder": embedder, "folds": "by topic (hash of its name)"}
    seed = fit(*_stack(tune, seed_x), seed_c, SEED, {"C": seed_c, "cv_average_precision": seed_scores, **common})
    about = {
        "C": topic_c,
        "cv_average_precision": topic_scores,
        "threshold_chosen_on": f"out-of-fold tune probabilities: the lowest with precision >= {MIN_PRECISION}",
        "cv_precision": round(cv.precision, 4),
        "cv_recall": round(cv.recall, 4),
        **common,
    }
    topic = replace(fit(*_stack(tune, topic_x), topic_c, TOPIC, about), threshold=floor)
    return Fitted(TopicModels(seed, topic), held_out)


def probabilities(models: TopicModels, group: Sequence[TopicRead], ids: Sequence[str]) -> dict[tuple[str, str], float]:
    """The fitted models' probabilities of every (topic, article) pair of ``group``."""
    return by_pair(group, ids, [models.topic.probabilities(t.topic_rows(models.seed)) for t in group])
