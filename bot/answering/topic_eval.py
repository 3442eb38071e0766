"""How well follow matching picks stories: labelled topics, their fixed tune/test split, figures.

``eval/topics/topics.jsonl`` lists, per topic, the shared-corpus articles that belong to it and the
``borderline`` ones (passing mentions) that are left out of scoring either way. Matching is judged
as if every article arrived new: would a follow of the topic alert on it? Precision and recall
count (topic, article) pairs over all topics of a split (micro-averaged).

The first 43 topics are split by a hash of their name (``assign_splits``): ordered by the hash, the
first 60% are tune, the rest test. Topics labelled later name their split (``"split": "test"``), so
adding them moves no earlier topic across the split. Everything tuned (the model, the floor) is
chosen on tune; test is only reported.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

TUNE_SHARE = 0.6  # of the topics without a split of their own, in the tune split
SPLITS = ("tune", "test")


@dataclass(frozen=True)
class LabelledTopic:
    topic: str
    articles: frozenset[str]  # the articles about the topic
    borderline: frozenset[str]  # neither counted right nor wrong
    split: str = "tune"  # tune | test


def _hash(topic: str) -> str:
    return hashlib.sha256(topic.strip().lower().encode("utf-8")).hexdigest()


def assign_splits(topics: list[LabelledTopic]) -> list[LabelledTopic]:
    """The topics with their split: ordered by the hash of the name, the first ``TUNE_SHARE`` tune."""
    order = sorted(range(len(topics)), key=lambda i: _hash(topics[i].topic))
    tune = set(order[: round(TUNE_SHARE * len(topics))])
    return [replace(t, split="tune" if i in tune else "test") for i, t in enumerate(topics)]


def load_topics(path: Path) -> list[LabelledTopic]:
    """The labelled topics in file order; those without a ``split`` of their own split by hash."""
    topics: list[LabelledTopic] = []
    named: dict[int, str] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                topic = LabelledTopic(record["topic"], frozenset(record["articles"]), frozenset(record["borderline"]))
                split = record.get("split")
                if split is not None and split not in SPLITS:
                    raise ValueError(f"split {split!r} is not one of {', '.join(SPLITS)}")
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a labelled topic ({exc})") from exc
            if split is not None:
                named[len(topics)] = split
            topics.append(topic)
    hashed = iter(assign_splits([t for i, t in enumerate(topics) if i not in named]))
    return [replace(t, split=named[i]) if i in named else next(hashed) for i, t in enumerate(topics)]


@dataclass(frozen=True)
class MatchFigures:
    topics: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        alerted = self.true_positives + self.false_positives
        return self.true_positives / alerted if alerted else 1.0

    @property
    def recall(self) -> float:
        relevant = self.true_positives + self.false_negatives
        return self.true_positives / relevant if relevant else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def match_figures(
    topics: Iterable[LabelledTopic], articles: Iterable[str], alerts: Mapping[str, set[str]]
) -> MatchFigures:
    """Figures of ``alerts`` (topic -> the article ids a follow of it alerted on) over ``articles``."""
    articles = list(articles)
    counted = tp = fp = fn = 0
    for topic in topics:
        counted += 1
        alerted = alerts.get(topic.topic, set())
        for article_id in articles:
            if article_id in topic.borderline:
                continue
            relevant, hit = article_id in topic.articles, article_id in alerted
            tp += relevant and hit
            fp += hit and not relevant
            fn += relevant and not hit
    return MatchFigures(counted, tp, fp, fn)


def choose_floor(
    topics: list[LabelledTopic],
    articles: list[str],
    probabilities: Mapping[tuple[str, str], float],
    *,
    min_precision: float = 0.9,
) -> float:
    """The lowest floor whose precision reaches ``min_precision`` (most recall at that precision);
    the floor with the best F1 when none does. ``probabilities``: (topic, article id) -> p."""
    candidates = sorted({round(p, 4) for p in probabilities.values()})

    def figures(floor: float) -> MatchFigures:
        alerts: dict[str, set[str]] = {}
        for (topic, article_id), p in probabilities.items():
            if p >= floor:
                alerts.setdefault(topic, set()).add(article_id)
        return match_figures(topics, articles, alerts)

    scored = [(floor, figures(floor)) for floor in candidates]
    good = [floor for floor, f in scored if f.precision >= min_precision and f.true_positives]
    if good:
        return min(good)
    return max(scored, key=lambda item: (item[1].f1, item[0]))[0]
