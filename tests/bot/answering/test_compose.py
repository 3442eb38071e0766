from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.answering.compose import Candidate, abstention, compose, pick_supporting, same_story
from bot.answering.evidence import Query, Reading
from bot.answering.terms import TermWeights
from bot.answering.tuning import OTHER_STORY_SHARE, SUPPORT_SHARE
from corpus.types import Article, Chunk
from index.timeparse import TimeIntent
from index.types import Hit
from tests.bot.fakes import make_article

OLD = make_article("old", "Rule A took effect in May. It covers lasers.", published=date(2024, 5, 1), title="Rule A")
NEW = make_article("new", "Rule A was widened in June. Lasers too.", published=date(2025, 6, 1), title="Rule A widened")
UNDATED = make_article("undated", "Rule A is discussed here.", title=None, source="blog.example")
# Newer, and on another story: it shares a word with the question, hardly any with the others.
STEEL = make_article(
    "steel", "Steel tariffs took effect in June. Mills paid more.", published=date(2025, 7, 1), title="Steel tariffs"
)
QUERY = Query.parse(
    "When did rule A take effect?", TermWeights.from_texts([OLD.text, NEW.text]), today=date(2026, 1, 1)
)
WEIGHTS = TermWeights.from_texts([OLD.text, NEW.text, UNDATED.text, STEEL.text])


def candidate(article: Article, *sentences: str, probability: float = 0.8) -> Candidate:
    reading = Reading(article, QUERY)
    quotes = [(next(w for w in reading.windows if reading.quote(w) == s), 0.5) for s in sentences]
    chunk = Chunk(f"{article.id}:0", article.id, 0, 0, len(article.text), article.text)
    return Candidate(Hit(article=article, chunk=chunk, score=probability), reading, probability, quotes, WEIGHTS)


def test_the_lead_is_quoted_twice_then_newer_coverage_is_cited_and_pointed_to() -> None:
    lead = candidate(OLD, "Rule A took effect in May.", "It covers lasers.")
    newer = candidate(NEW, "Rule A was widened in June.", probability=0.6)
    answer = compose("When did rule A take effect?", lead, pick_supporting(lead, [newer]), confidence=0.7)
    assert [(c.n, c.article.id, c.quote) for c in answer.citations] == [
        (1, "old", "Rule A took effect in May."),
        (2, "old", "It covers lasers."),
        (3, "new", "Rule A was widened in June."),
    ]
    assert answer.newer == [NEW] and answer.confidence == 0.7
    assert answer.text.splitlines() == [
        "“Rule A took effect in May.…” [1] (2024-05-01)",
        "Also: “…It covers lasers.” [2] (2024-05-01)",
        "Also: “Rule A was widened in June.…” [3] (2025-06-01)",
        "Newer coverage than [1]: [3] (2025-06-01).",
    ]
    for citation in answer.citations:
        assert citation.article.text[citation.start : citation.end] == citation.quote


def test_newer_coverage_is_of_the_leads_story_a_newer_article_on_another_is_only_cited() -> None:
    lead = candidate(OLD, "Rule A took effect in May.")
    undated = candidate(UNDATED, "Rule A is discussed here.", probability=0.7)
    steel = candidate(STEEL, "Steel tariffs took effect in June.", probability=0.6)
    newer = candidate(NEW, "Rule A was widened in June.", probability=0.5)
    assert same_story(newer, lead) and not same_story(steel, lead)
    # Newer but on another story: cited in rank order, never called newer coverage.
    supporting = pick_supporting(lead, [undated, steel])
    assert [c.article.id for c in supporting] == ["undated", "steel"]
    answer = compose("When did rule A take effect?", lead, supporting, confidence=0.7)
    assert answer.newer == [] and "Newer coverage" not in answer.text
    # Newer coverage of the lead's story goes first, and is pointed to.
    supporting = pick_supporting(lead, [undated, steel, newer])
    assert [c.article.id for c in supporting] == ["new", "undated"]
    answer = compose("When did rule A take effect?", lead, supporting, confidence=0.7)
    assert answer.newer == [NEW] and answer.text.splitlines()[-1] == "Newer coverage than [1]: [2] (2025-06-01)."
    # Without term weights, whether two articles tell one story is unknown: nothing is called newer.
    assert not same_story(replace(newer, weights=None), lead)


def test_nothing_is_called_newer_than_an_undated_lead() -> None:
    lead = candidate(UNDATED, "Rule A is discussed here.")
    dated = candidate(NEW, "Rule A was widened in June.", probability=0.6)
    answer = compose("When did rule A take effect?", lead, pick_supporting(lead, [dated]), confidence=0.7)
    assert [c.article.id for c in answer.citations] == ["undated", "new"]
    assert answer.newer == [] and "Newer coverage" not in answer.text
    assert "[1] (undated)" in answer.text and "[2] (2025-06-01)" in answer.text


def test_weakly_rated_and_repeated_articles_do_not_support_the_lead() -> None:
    lead = candidate(OLD, "Rule A took effect in May.", probability=0.8)
    again = candidate(OLD, "It covers lasers.", probability=0.7)
    weak = candidate(NEW, "Lasers too.", probability=0.8 * SUPPORT_SHARE - 0.01)  # just below the share
    assert pick_supporting(lead, [again, weak]) == []
    supported = pick_supporting(lead, [candidate(NEW, "Rule A was widened in June.", probability=0.8 * SUPPORT_SHARE)])
    assert [c.article.id for c in supported] == ["new"]


def test_an_article_on_another_story_supports_the_lead_only_when_rated_much_like_it() -> None:
    lead = candidate(OLD, "Rule A took effect in May.", probability=0.8)
    steel = "Steel tariffs took effect in June."
    assert pick_supporting(lead, [candidate(STEEL, steel, probability=0.8 * OTHER_STORY_SHARE - 0.01)]) == []
    supported = pick_supporting(lead, [candidate(STEEL, steel, probability=0.8 * OTHER_STORY_SHARE)])
    assert [c.article.id for c in supported] == ["steel"]


def test_another_article_is_cited_by_a_quote_that_ends_as_a_sentence_never_by_a_heading() -> None:
    lead = candidate(OLD, "Rule A took effect in May.")
    headed = make_article("headed", "Funding Updates\nRule A was widened in June.", title="Rule A news")
    both = candidate(headed, "Funding Updates", "Rule A was widened in June.", probability=0.7)
    [supporting] = pick_supporting(lead, [both])
    answer = compose("When did rule A take effect?", lead, [supporting], confidence=0.7)
    assert [(c.n, c.quote) for c in answer.citations] == [
        (1, "Rule A took effect in May."),
        (2, "Rule A was widened in June."),  # not its best quote, the heading
    ]
    # An article with nothing but a heading to quote supports nothing.
    assert pick_supporting(lead, [candidate(headed, "Funding Updates", probability=0.7)]) == []


def test_another_article_is_cited_by_a_quote_that_shares_a_word_with_the_question() -> None:
    lead = candidate(OLD, "Rule A took effect in May.")
    aside = make_article("aside", "Lasers are cheaper now. Rule A was widened in June.", title="Rule A news")
    [supporting] = pick_supporting(lead, [candidate(aside, "Lasers are cheaper now.", "Rule A was widened in June.")])
    assert supporting.reading.quote(supporting.sentence_window) == "Rule A was widened in June."
    # An article whose quotes share no word with the question supports nothing.
    assert pick_supporting(lead, [candidate(aside, "Lasers are cheaper now.", probability=0.7)]) == []


def test_another_article_never_repeats_a_quote_of_the_lead() -> None:
    both = make_article("both", "Rule A took effect in May. Rule A covers lasers.", published=date(2024, 5, 1))
    lead = candidate(both, "Rule A took effect in May.", "Rule A covers lasers.")
    echo = make_article("echo", "Rule A covers lasers. Rule A was widened in June.", title="Rule A echo")
    # Its best quote is the lead's second one: it supports nothing ...
    assert pick_supporting(lead, [candidate(echo, "Rule A covers lasers.", "Rule A was widened in June.")]) == []
    # ... while a quote of its own does.
    [supporting] = pick_supporting(lead, [candidate(echo, "Rule A was widened in June.")])
    assert supporting.article.id == "echo"


def test_another_article_never_says_again_what_a_shown_quote_says() -> None:
    lead = candidate(OLD, "Rule A took effect in May.")
    edited = make_article("edited", "Rule A took effect in May, officials said. Rule A was widened in June.", title="x")
    # A lightly edited copy of the lead's quote supports nothing; its own news does.
    assert pick_supporting(lead, [candidate(edited, "Rule A took effect in May, officials said.")]) == []
    [supporting] = pick_supporting(lead, [candidate(edited, "Rule A was widened in June.")])
    assert supporting.article.id == "edited"


def test_a_lead_published_outside_the_period_asked_about_is_pointed_out() -> None:
    lead = candidate(OLD, "Rule A took effect in May.")  # published 2024-05-01
    outside = TimeIntent(around=(date(2025, 1, 1), date(2025, 3, 31)), phrase="as of march 2025")
    answer = compose("As of March 2025, when did rule A take effect?", lead, [], confidence=0.7, intent=outside)
    assert answer.text.splitlines()[-1] == (
        "Note: [1] was published 2024-05-01, outside the period asked about (as of march 2025)."
    )
    inside = TimeIntent(since=date(2024, 5, 1), until=date(2024, 5, 31), phrase="in may 2024")
    for intent in (inside, TimeIntent(), None):
        assert "Note:" not in compose("q?", lead, [], confidence=0.7, intent=intent).text


def test_an_abstention_under_filters_says_what_they_were() -> None:
    found = abstention("q?", [candidate(OLD, "Rule A took effect in May.")], 9, "from wire.example")
    assert (
        found.text
        == "None of the indexed articles from wire.example answers this. The closest topics they do cover: Rule A."
    )
    assert (
        abstention("q?", [], 9, "from wire.example").text
        == "No indexed article is from wire.example, so none answers this."
    )


def test_abstention_names_the_closest_topics() -> None:
    answer = abstention("q?", [candidate(OLD, "Rule A took effect in May."), candidate(UNDATED)], 1)
    assert answer.abstained and answer.citations == []
    assert answer.related_topics == ["Rule A", "an article from blog.example"]
    assert answer.text == (
        "None of the 1 indexed article answers this. "
        "The closest topics they do cover: Rule A; an article from blog.example."
    )
