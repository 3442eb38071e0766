from __future__ import annotations

from itertools import count

import pytest

from bot.answering.answer_figures import answer_figures, format_figures
from bot.answering.types import Answer, Citation
from corpus.types import Alternate
from tests.bot.fakes import make_article

ARTICLE = make_article("a1", "Alpha said the fee is 25%. Other text follows.")
COPY_HOLDER = make_article(
    "a2", "Beta said exports fell 40%.", alternates=[Alternate(url="u", source="s", article_id="a3")]
)


def cited(question: str, article=ARTICLE, quote: str = "Alpha said the fee is 25%.") -> Answer:
    start = article.text.index(quote)
    citation = Citation(1, article, quote, start, start + len(quote), list(article.alternates))
    return Answer(question=question, text=f"“{quote}” [1]", citations=[citation], abstained=False)


def abstained(question: str) -> Answer:
    return Answer(question=question, text="None of the 2 indexed articles covers this.", citations=[], abstained=True)


class Scripted:
    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers

    def answer(self, question: str) -> Answer:
        return self.answers[question]


def ticking_clock(step_s: float = 0.01):
    ticks = count()
    return lambda: next(ticks) * step_s


def test_scores_citation_order_evidence_and_abstention() -> None:
    questions = [
        {"id": "q1", "question": "fee?", "article_id": "a1", "evidence": "fee is 25%"},
        {"id": "q2", "question": "wrong evidence?", "article_id": "a1", "evidence": "Other text follows"},
        {"id": "q3", "question": "copy?", "article_id": "a3", "evidence": "exports fell 40%"},
        {"id": "q4", "question": "abstained wrongly?", "article_id": "a1", "evidence": "fee"},
        {"id": "n1", "question": "none?", "article_id": None, "evidence": None},
        {"id": "n2", "question": "none answered?", "article_id": None, "evidence": None},
    ]
    bot = Scripted(
        {
            "fee?": cited("fee?"),
            "wrong evidence?": cited("wrong evidence?"),
            "copy?": cited("copy?", COPY_HOLDER, "Beta said exports fell 40%."),
            "abstained wrongly?": abstained("abstained wrongly?"),
            "none?": abstained("none?"),
            "none answered?": cited("none answered?"),
        }
    )
    figures = answer_figures(bot, questions, clock=ticking_clock())
    assert (figures.answerable, figures.unanswerable) == (4, 2)
    assert figures.cited_first == 3 / 4
    assert figures.evidence_shown == 2 / 4
    assert figures.cited_first_and_evidence == 2 / 4
    assert figures.wrongly_abstained == 1 / 4
    assert figures.abstention_precision == 1 / 2
    assert figures.abstention_recall == 1 / 2
    assert figures.latency_p50_ms == pytest.approx(10.0) and figures.latency_p95_ms == pytest.approx(10.0)
    assert figures.failures == [
        "q2: evidence not quoted",
        "q4: abstained",
        "n2: answered, should abstain",
    ]
    table = format_figures(figures)
    line = next(line for line in table.splitlines() if "right article cited first" in line)
    assert line.endswith("75.0%")
    assert "abstention recall" in table and "q4: abstained" in table


def test_empty_question_set_gives_zeroes_not_errors() -> None:
    figures = answer_figures(Scripted({}), [])
    assert figures.cited_first == 0.0 and figures.latency_p95_ms == 0.0
