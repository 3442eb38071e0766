"""The answer engine on the shared corpus with the real embedding model (slow, still run by default):
every quote verbatim, and the figures on the labelled test split and the shared dev questions held."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.answerer import Answerer
from bot.service import evaluation, labelled

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def test_split(shared_answerer: Answerer) -> list[evaluation.Outcome]:
    from tests.conftest import SHARED_CORPUS

    questions = labelled.load(corpus=SHARED_CORPUS)
    by_id = {q.id: q for q in questions}
    return evaluation.run(shared_answerer, [q for q in questions if q.split == "test"], by_id)


def test_every_quote_is_a_verbatim_span_of_its_article(shared_answerer: Answerer, shared_corpus: Path) -> None:
    quotes = 0
    for question in labelled.load_file(shared_corpus / "dev_questions.jsonl"):
        answer = shared_answerer.answer(question.question)
        for citation in answer.citations:
            assert citation.quote and citation.article.text[citation.start : citation.end] == citation.quote
            quotes += 1
        assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
        for citation in answer.citations:
            assert f"[{citation.n}]" in answer.text
        if answer.abstained:
            # all 147 shared articles are indexed: none is lost to a false near-duplicate fold
            assert answer.text.startswith("None of the 147 indexed articles answers this.") and not answer.citations
    assert quotes >= 62


def test_a_window_the_question_names_and_no_article_falls_in_is_said(shared_answerer: Answerer) -> None:
    # The shared corpus ends in early 2026: the past two weeks hold none of its articles.
    answer = shared_answerer.answer("What happened with chip export controls in the past 2 weeks?")
    assert answer.abstained and answer.text.startswith("No indexed article is published between ")


def test_the_labelled_test_split_holds_its_floors(test_split: list[evaluation.Outcome]) -> None:
    """Floors a little under what the shipped models measured on the test split (see the note of
    issue 11), so a regression in ranking, quoting or abstention fails here."""
    figures = evaluation.figures(test_split)
    assert figures.cited_first >= FLOORS["cited_first"], figures
    assert figures.evidence_quoted >= FLOORS["evidence_quoted"], figures
    assert figures.wrongly_abstained <= FLOORS["wrongly_abstained"], figures
    assert figures.abstention_recall >= FLOORS["abstention_recall"], figures
    # The confidence answers state (that [1] answers) is about as often right as it says.
    assert figures.calibration_error <= CEILINGS["calibration_error"], figures
    assert figures.brier <= CEILINGS["brier"], figures


def test_the_shared_dev_questions_hold_their_floors(shared_answerer: Answerer, shared_corpus: Path) -> None:
    questions = labelled.load_file(shared_corpus / "dev_questions.jsonl")
    figures = evaluation.figures(evaluation.run(shared_answerer, questions, {q.id: q for q in questions}))
    assert figures.cited_first >= DEV_FLOORS["cited_first"], figures
    assert figures.evidence_quoted >= DEV_FLOORS["evidence_quoted"], figures
    assert figures.wrongly_abstained <= DEV_FLOORS["wrongly_abstained"], figures


# Measured with the shipped models, November 30, 2026 (issue 11), trained on the 794 tune questions (the
# rounds of short chat-style questions, near-misses and follow-up pairs included), short questions at
# their own operating point, the lead chosen by the passage model with half its ranker score, the
# abstainer weighing the lead and quote an answer shows and the kind of detail asked, the quoter reading
# sentences in context: test split cited first 85.8% (200 of 233; 84.1% before the ranker score counted
# in the lead), evidence 82.0% (191; 81.5% before the quoter read sentences in context), wrongly
# abstained 2.1%, unanswerable abstained 32.5% (13 of 40); the shared dev questions 95.2% cited first
# (59 of 62), 95.2% evidence quoted, one wrongly abstained, 6 of 7 unanswerable abstained. Each floor
# sits two to four questions below its figure, so a rounding difference in another machine's vectors
# cannot fail it, and a real regression does.
FLOORS = {"cited_first": 0.84, "evidence_quoted": 0.8, "wrongly_abstained": 0.05, "abstention_recall": 0.25}
# The answered test questions' stated confidence, measured then: calibration error 0.043, Brier score
# 0.156 (the abstainer's probability, stated before: 0.039 and 0.158); room for several answers to change.
CEILINGS = {"calibration_error": 0.07, "brier": 0.18}
DEV_FLOORS = {"cited_first": 0.91, "evidence_quoted": 0.91, "wrongly_abstained": 0.05}
