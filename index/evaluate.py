"""Retrieval metrics over a question set (pure): recall@1/3/5, MRR and latency percentiles.

A question is answered by one article; it counts as found at the rank of the first hit that is
that article or has folded it in as a syndicated copy. Questions without an article
(unanswerable ones) are counted apart: they have no rank to score.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .types import Hit


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    article_id: str | None  # None: no article answers it


@dataclass(frozen=True)
class Outcome:
    question: Question
    ranked: list[list[str]]  # per hit: the article id followed by the ids folded into it
    latency_ms: float

    @property
    def rank(self) -> int | None:
        for position, ids in enumerate(self.ranked, start=1):
            if self.question.article_id in ids:
                return position
        return None


@dataclass
class Report:
    questions: int
    answerable: int
    recall: dict[int, float]
    mrr: float
    latency_ms: dict[str, float]
    misses: list[dict[str, object]] = field(default_factory=list)  # answerable questions not ranked first

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def load_questions(path: Path) -> list[Question]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            questions.append(Question(record["id"], record["question"], record.get("article_id")))
    return questions


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (0 < q <= 100) of ``values``."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, -(-len(ordered) * q // 100) - 1))
    return ordered[int(index)]


def ranked_ids(hits: Sequence[Hit]) -> list[list[str]]:
    """Per hit: its article id, then the ids folded into it (syndicated copies, alternate records)."""
    return [[h.article.id, *h.copies, *(a.article_id for a in h.article.alternates if a.article_id)] for h in hits]


def evaluate_search(search: Callable[[str], Sequence[Hit]], questions: Sequence[Question]) -> Report:
    """Ask every question through ``search`` (question -> ranked hits), timing each, and summarise."""
    outcomes = []
    for q in questions:
        started = time.perf_counter()
        hits = search(q.question)
        outcomes.append(Outcome(q, ranked_ids(hits), (time.perf_counter() - started) * 1000))
    return summarise(outcomes)


def summarise(outcomes: Sequence[Outcome], cutoffs: Sequence[int] = (1, 3, 5)) -> Report:
    scored = [o for o in outcomes if o.question.article_id]
    ranks = [o.rank for o in scored]
    n = len(scored) or 1
    latencies = [o.latency_ms for o in outcomes]
    return Report(
        questions=len(outcomes),
        answerable=len(scored),
        recall={c: sum(1 for r in ranks if r is not None and r <= c) / n for c in cutoffs},
        mrr=sum(1.0 / r for r in ranks if r) / n,
        latency_ms={
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "max": max(latencies, default=0.0),
        },
        misses=[
            {
                "id": o.question.id,
                "expected": o.question.article_id,
                "rank": o.rank,
                "got": [ids[0] for ids in o.ranked[:3]],
            }
            for o in scored
            if o.rank != 1
        ],
    )
