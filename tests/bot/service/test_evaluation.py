from __future__ import annotations

import math
from dataclasses import replace
from itertools import count

import numpy as np

from bot.answering.types import Answer, Citation
from bot.service import evaluation
from bot.service.labelled import LabelledQuestion
from corpus.types import Alternate
from tests.bot.fakes import make_article

ARTICLE = make_article("a1", "Alpha said the fee is 25%.\nOther text follows.")
COPY_HOLDER = make_article(
    "a2", "Beta said exports fell 40%.", alternates=[Alternate(url="u", source="s", article_id="a3")]
)


def question(qid: str, kind: str = "fact", evidence: dict | None = None, follows: str | None = None):
    return LabelledQuestion(qid, "test", kind, qid, f"question {qid}?", follows=follows, evidence=evidence or {})


def cited(article=ARTICLE, quote: str = "Alpha said the fee is 25%.") -> Answer:
    start = article.text.index(quote)
    citation = Citation(1, article, quote, start, start + len(quote), list(article.alternates))
    return Answer(question="q", text=f"“{quote}” [1]", citations=[citation], abstained=False)


ABSTAINED = Answer(question="q", text="None of the 2 indexed articles answers this.", citations=[], abstained=True)


def test_an_answer_is_scored_by_its_first_citation_and_the_evidence_in_any_quote() -> None:
    right = question("q1", evidence={"a1": ("the fee is\n25%",)})  # whitespace differs from the quote
    outcome = evaluation.score(right, cited(), 12.0)
    assert outcome.cited_first and outcome.evidence_quoted and not outcome.abstained
    folded = question("q2", evidence={"a3": ("exports fell 40%",)})  # a copy folded into a2
    outcome = evaluation.score(folded, cited(COPY_HOLDER, "Beta said exports fell 40%."), 1.0)
    assert outcome.cited_first and outcome.evidence_quoted and outcome.cited == "a2"
    wrong = question("q3", evidence={"zz": ("fee",)})
    outcome = evaluation.score(wrong, cited(), 1.0)
    assert not outcome.cited_first and not outcome.evidence_quoted


def test_figures_per_kind_count_abstentions_on_both_sides() -> None:
    outcomes = [
        evaluation.score(question("a", evidence={"a1": ("fee",)}), replace(cited(), confidence=0.9), 10.0),
        evaluation.score(question("b", evidence={"a1": ("fee",)}), ABSTAINED, 20.0),
        evaluation.score(question("c", "unanswerable"), ABSTAINED, 30.0),
        evaluation.score(question("d", "unanswerable"), replace(cited(), confidence=0.7), 40.0),
    ]
    table = evaluation.by_kind(outcomes)
    assert set(table) == {"fact", "unanswerable", evaluation.SHORT, "all"}  # "question a?": one term
    assert table[evaluation.SHORT] == table["all"]
    everything = table["all"]
    assert (everything.questions, everything.answerable) == (4, 2)
    assert everything.cited_first == 0.5 and everything.wrongly_abstained == 0.5
    assert everything.abstention_precision == 0.5 and everything.abstention_recall == 0.5
    assert everything.latency_p50_ms == 20.0 and everything.latency_p95_ms == 40.0
    assert math.isnan(table["unanswerable"].cited_first)
    # Of the two answered, [1] answers one: confidence 0.8 against 0.5; 0.9 vs 1 and 0.7 vs 0 by bin.
    assert (everything.confidence, everything.answered_right) == (0.8, 0.5)
    assert math.isclose(everything.calibration_error, (0.1 + 0.7) / 2)
    assert math.isclose(everything.brier, (0.1**2 + 0.7**2) / 2)
    assert math.isnan(table["fact"].confidence)  # one kind of question: nothing to say of calibration
    text = evaluation.format_table("title", table)
    assert "| all | 4 | 50.0% | 50.0% | 50.0% | 50.0% | 50.0% | 0.80 / 0.50 | 0.400 / 0.250 | 20 / 40 |" in text
    assert "| – / – | – / – |" in text


def test_the_calibration_error_weighs_each_bins_gap_by_its_rows() -> None:
    probabilities = np.array([0.15, 0.15, 0.15, 0.15, 0.85, 0.85, 1.0])
    outcomes = np.array([0, 0, 0, 1, 1, 1, 1], dtype=bool)
    # bin 0.1: 0.15 vs 0.25 (4 rows); bin 0.8: 0.85 vs 1 (2 rows); bin 0.9 holds 1.0: 1 vs 1
    expected = (4 * 0.10 + 2 * 0.15 + 0) / 7
    assert math.isclose(evaluation.calibration_error(probabilities, outcomes), expected)
    assert evaluation.calibration_error(np.array([0.5, 0.5]), np.array([True, False])) == 0.0
    assert evaluation.calibration_error(np.zeros(0), np.zeros(0, dtype=bool)) == 0.0
    # Weights count rows: the 0.1 bin's one true outcome counting three times is 0.15 against 0.5.
    weights = np.array([1, 1, 1, 3, 1, 1, 1], dtype=float)
    expected = (6 * abs(0.15 - 0.5) + 2 * 0.15) / 9
    assert math.isclose(evaluation.calibration_error(probabilities, outcomes, weights), expected)


class Scripted:
    def __init__(self) -> None:
        self.asked: list[tuple[str, object]] = []

    def answer(self, question: str, *, conversation: object = None) -> Answer:
        self.asked.append((question, conversation))
        return cited()


def test_a_follow_up_is_asked_right_after_its_lead_in_one_conversation() -> None:
    lead = question("l", evidence={"a1": ("fee",)})
    follow = question("f", "followup", {"a1": ("fee",)}, follows="l")
    answerer = Scripted()
    ticks = count()
    outcomes = evaluation.run(answerer, [lead, follow], {"l": lead, "f": follow}, clock=lambda: next(ticks) * 0.01)
    assert [q for q, _ in answerer.asked] == ["question l?", "question l?", "question f?"]
    assert answerer.asked[0][1] is None and answerer.asked[1][1] is answerer.asked[2][1] is not None
    assert [round(o.latency_ms, 6) for o in outcomes] == [10.0, 10.0]  # only the question itself is timed
