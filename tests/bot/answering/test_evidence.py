from __future__ import annotations

from bot.answering.evidence import Query, _focus, best_passage
from bot.answering.terms import TermWeights
from tests.bot.fakes import make_article


def parse(question: str, *texts: str) -> Query:
    return Query.parse(question, TermWeights.from_texts(texts or [question]))


def test_a_day_of_a_month_the_question_names_is_not_the_date_it_asks_for() -> None:
    first = "On January 14, 2026, the president issued a proclamation on semiconductor negotiations."
    second = "Officials are to report the outcome of the negotiations by April 14, 2026."
    article = make_article("proclamation", f"{first}\n\n{second}")
    query = parse(
        "By what date are officials to report the outcome under the January 2026 proclamation?",
        first,
        second,
        "Chip tariffs rose.",
        "A fab opened in Ohio.",
    )
    assert best_passage(article, query).quote.startswith("Officials are to report")


def test_the_focus_ends_at_a_past_tense_verb_but_not_at_a_participle_after_the() -> None:
    assert _focus("Which TechInsights analyst called the chip a slap in the face?") == ("analyst",)
    assert _focus("Which Chinese media outlet emailed Nvidia for comment?") == ("outlet",)
    assert _focus("What was the reported yield of the Ascend 910C in 2024?") == ("yield",)
