"""Answer figures on a question set: right article cited first, evidence shown, abstention, latency.

A question is a dict with ``id``, ``question`` and, when it is answerable, ``article_id`` and
``evidence`` (the dev_questions.jsonl format); ``article_id`` null means the bot should abstain.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.answering.types import Answer


class Answers(Protocol):
    def answer(self, question: str) -> Answer: ...


@dataclass
class AnswerFigures:
    answerable: int
    unanswerable: int
    cited_first: float  # right article (or a folded copy of it) is citation [1]
    evidence_shown: float  # the evidence string is inside a quote from the right article
    cited_first_and_evidence: float
    wrongly_abstained: float  # share of answerable questions abstained on
    abstention_precision: float  # share of abstentions that were on unanswerable questions
    abstention_recall: float  # share of unanswerable questions abstained on
    latency_p50_ms: float
    latency_p95_ms: float
    failures: list[str] = field(default_factory=list)  # ids of questions that missed, with why


def load_questions(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _cites(answer: Answer, article_id: str) -> list[int]:
    """Citation numbers whose article is ``article_id`` or folds a copy with that id."""
    return [
        c.n
        for c in answer.citations
        if c.article.id == article_id or any(a.article_id == article_id for a in c.alternates)
    ]


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def answer_figures(
    answerer: Answers, questions: Iterable[dict], *, clock: Callable[[], float] = time.perf_counter
) -> AnswerFigures:
    """Answer every question and score the answers against the expected article and evidence."""
    latencies: list[float] = []
    failures: list[str] = []
    answerable = unanswerable = first = shown = both = wrong_abstain = right_abstain = 0
    for item in questions:
        started = clock()
        answer = answerer.answer(item["question"])
        latencies.append((clock() - started) * 1000)
        expected = item.get("article_id")
        if not expected:
            unanswerable += 1
            right_abstain += answer.abstained
            if not answer.abstained:
                failures.append(f"{item['id']}: answered, should abstain")
            continue
        answerable += 1
        if answer.abstained:
            wrong_abstain += 1
            failures.append(f"{item['id']}: abstained")
            continue
        numbers = _cites(answer, expected)
        is_first = 1 in numbers
        evidence = item.get("evidence") or ""
        is_shown = any(c.n in numbers and evidence in c.quote for c in answer.citations)
        first += is_first
        shown += is_shown
        both += is_first and is_shown
        if not (is_first and is_shown):
            got = answer.citations[0].article.id if answer.citations else "nothing"
            failures.append(
                f"{item['id']}: cited {got} first" if not is_first else f"{item['id']}: evidence not quoted"
            )
    abstentions = right_abstain + wrong_abstain
    return AnswerFigures(
        answerable=answerable,
        unanswerable=unanswerable,
        cited_first=_ratio(first, answerable),
        evidence_shown=_ratio(shown, answerable),
        cited_first_and_evidence=_ratio(both, answerable),
        wrongly_abstained=_ratio(wrong_abstain, answerable),
        abstention_precision=_ratio(right_abstain, abstentions),
        abstention_recall=_ratio(right_abstain, unanswerable),
        latency_p50_ms=_percentile(latencies, 0.5),
        latency_p95_ms=_percentile(latencies, 0.95),
        failures=failures,
    )


def format_figures(figures: AnswerFigures) -> str:
    """A short table for the terminal."""
    rows = [
        ("answerable / unanswerable questions", f"{figures.answerable} / {figures.unanswerable}"),
        ("right article cited first", f"{figures.cited_first:.1%}"),
        ("evidence shown in a cited quote", f"{figures.evidence_shown:.1%}"),
        ("both (cited first and evidence shown)", f"{figures.cited_first_and_evidence:.1%}"),
        ("wrongly abstained (answerable)", f"{figures.wrongly_abstained:.1%}"),
        ("abstention precision", f"{figures.abstention_precision:.1%}"),
        ("abstention recall (unanswerable)", f"{figures.abstention_recall:.1%}"),
        ("answer latency p50 / p95", f"{figures.latency_p50_ms:.0f} / {figures.latency_p95_ms:.0f} ms"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = ["Answers"] + [f"  {label:<{width}}  {value}" for label, value in rows]
    if figures.failures:
        lines.append("  missed: " + "; ".join(figures.failures))
    return "\n".join(lines)
