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
    return Outcome(question, answer.abstained, cited_first, quoted, latency_ms, first.article.id if first else None)


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
    )


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
        "abstention recall | p50 / p95 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, f in table.items():
        lines.append(
            f"| {kind} | {f.questions} | {_cell(f.cited_first)} | {_cell(f.evidence_quoted)} | "
            f"{_cell(f.wrongly_abstained)} | {_cell(f.abstention_precision)} | {_cell(f.abstention_recall)} | "
            f"{_cell(f.latency_p50_ms, '.0f')} / {_cell(f.latency_p95_ms, '.0f')} |"
        )
    return "\n".join(lines)
