"""Answer figures on the labelled questions, by question kind: what `chipbot eval` reports.

A question's outcome is read off the ``Answer`` chipbot really gives (the same path as ``ask``):
an answerable question is *cited first* when citation [1] is an article that answers it (or folds a
copy of one), and its *evidence is quoted* when a citation from an answering article contains one
of that article's evidence strings. A follow-up is asked right after the question it follows, in
one conversation.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from bot.answering.tuning import SHORT_QUESTION
from bot.answering.types import Answer, Citation
from bot.service.conversations import Conversations
from bot.service.labelled import KINDS, LabelledQuestion
from corpus.text.words import content_terms


@dataclass(frozen=True)
class Outcome:
    question: LabelledQuestion
    abstained: bool
    cited_first: bool
    evidence_quoted: bool
    latency_ms: float
    cited: str | None  # the article cited first
    confidence: float | None = None  # what the answer stated: the probability that [1] answers


def citation_ids(citation: Citation) -> set[str]:
    """The article a citation quotes and the copies deduplication folded into it."""
    return {citation.article.id} | {a.article_id for a in citation.alternates if a.article_id}


def score(question: LabelledQuestion, answer: Answer, latency_ms: float) -> Outcome:
    first = answer.citations[0] if answer.citations else None
    cited_first = bool(first and citation_ids(first) & question.evidence.keys())
    quoted = any(
        " ".join(e.split()) in " ".join(c.quote.split())
        for c in answer.citations
        for article_id in citation_ids(c) & question.evidence.keys()
        for e in question.evidence[article_id]
    )
    cited = first.article.id if first else None
    return Outcome(question, answer.abstained, cited_first, quoted, latency_ms, cited, answer.confidence)


class Answers(Protocol):
    """Anything with the Answerer's ``answer`` signature."""

    def answer(self, question: str, *, conversation: Any = None) -> Answer: ...


def run(
    answerer: Answers,
    questions: Sequence[LabelledQuestion],
    by_id: dict[str, LabelledQuestion],
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> list[Outcome]:
    """Answer each question as a user would ask it (a follow-up right after its lead) and score it."""
    outcomes = []
    for question in questions:
        conversation = None
        if question.follows:
            conversation = Conversations().get("eval", question.id)
            answerer.answer(by_id[question.follows].question, conversation=conversation)
        started = clock()
        answer = answerer.answer(question.question, conversation=conversation)
        outcomes.append(score(question, answer, (clock() - started) * 1000))
    return outcomes


@dataclass(frozen=True)
class Figures:
    questions: int
    answerable: int
    cited_first: float  # share of answerable questions whose citation [1] answers them
    evidence_quoted: float  # share of answerable questions with the evidence in a quote
    wrongly_abstained: float  # share of answerable questions abstained on
    abstention_precision: float  # share of abstentions that were on unanswerable questions
    abstention_recall: float  # share of unanswerable questions abstained on
    latency_p50_ms: float
    latency_p95_ms: float
    # Of the questions answered (where answerable and unanswerable ones are asked): the mean
    # confidence stated, the share whose [1] answers them, how far the confidence is from that share
    # bin by bin (``calibration_error``), and its Brier score, which also rewards telling right from wrong.
    confidence: float = math.nan
    answered_right: float = math.nan
    calibration_error: float = math.nan
    brier: float = math.nan  # the mean squared gap between the confidence and whether [1] answers


def _share(part: int, whole: int) -> float:
    return part / whole if whole else math.nan


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))] if ordered else math.nan


def figures(outcomes: Iterable[Outcome]) -> Figures:
    outcomes = list(outcomes)
    answerable = [o for o in outcomes if o.question.answerable]
    unanswerable = [o for o in outcomes if not o.question.answerable]
    abstained = [o for o in outcomes if o.abstained]
    latencies = [o.latency_ms for o in outcomes]
    # A slice of one kind of question (answerable or not) says nothing of the confidence, which is
    # stated without knowing the kind: it is measured where both kinds are asked.
    mixed = bool(answerable and unanswerable)
    stated = [o for o in outcomes if mixed and not o.abstained and o.confidence is not None]
    confidence = np.array([o.confidence for o in stated], dtype=np.float64)
    right = np.array([o.question.answerable and o.cited_first for o in stated], dtype=np.float64)
    return Figures(
        questions=len(outcomes),
        answerable=len(answerable),
        cited_first=_share(sum(o.cited_first for o in answerable), len(answerable)),
        evidence_quoted=_share(sum(o.evidence_quoted for o in answerable), len(answerable)),
        wrongly_abstained=_share(sum(o.abstained for o in answerable), len(answerable)),
        abstention_precision=_share(sum(not o.question.answerable for o in abstained), len(abstained)),
        abstention_recall=_share(sum(o.abstained for o in unanswerable), len(unanswerable)),
        latency_p50_ms=_percentile(latencies, 0.5),
        latency_p95_ms=_percentile(latencies, 0.95),
        confidence=float(confidence.mean()) if stated else math.nan,
        answered_right=float(right.mean()) if stated else math.nan,
        calibration_error=calibration_error(confidence, right) if stated else math.nan,
        brier=float(np.mean((confidence - right) ** 2)) if stated else math.nan,
    )


def calibration_error(probabilities: np.ndarray, outcomes: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Expected calibration error: over ten equal bins of probability, the gap between the mean
    probability and the share of outcomes that came true, weighted by the rows in the bin (each row
    by its ``weights``, 1 by default)."""
    if not len(probabilities):
        return 0.0
    weights = np.ones(len(probabilities)) if weights is None else weights
    which = np.minimum((probabilities * 10).astype(int), 9)
    total = 0.0
    for b in np.unique(which):
        inside = which == b
        w = weights[inside]
        total += w.sum() * abs(np.average(probabilities[inside], weights=w) - np.average(outcomes[inside], weights=w))
    return float(total / weights.sum())


SHORT = f"short (<= {SHORT_QUESTION} terms)"  # a slice across kinds: how people often ask


def by_kind(outcomes: Sequence[Outcome]) -> dict[str, Figures]:
    """Figures per question kind, for the short questions of any kind, and ``all``."""
    table = {kind: figures(o for o in outcomes if o.question.kind == kind) for kind in KINDS}
    table[SHORT] = figures(o for o in outcomes if len(set(content_terms(o.question.question))) <= SHORT_QUESTION)
    table["all"] = figures(outcomes)
    return {kind: f for kind, f in table.items() if f.questions}


def _cell(value: float, fmt: str = ".1%") -> str:
    return "–" if math.isnan(value) else format(value, fmt)


def format_table(title: str, table: dict[str, Figures]) -> str:
    """A markdown table: one row per question kind."""
    lines = [
        f"{title}",
        "| kind | questions | cited first | evidence quoted | wrongly abstained | abstention precision | "
        "abstention recall | confidence / [1] right (answered) | calibration error / Brier | p50 / p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, f in table.items():
        lines.append(
            f"| {kind} | {f.questions} | {_cell(f.cited_first)} | {_cell(f.evidence_quoted)} | "
            f"{_cell(f.wrongly_abstained)} | {_cell(f.abstention_precision)} | {_cell(f.abstention_recall)} | "
            f"{_cell(f.confidence, '.2f')} / {_cell(f.answered_right, '.2f')} | "
            f"{_cell(f.calibration_error, '.3f')} / {_cell(f.brier, '.3f')} | "
            f"{_cell(f.latency_p50_ms, '.0f')} / {_cell(f.latency_p95_ms, '.0f')} |"
        )
    return "\n".join(lines)
