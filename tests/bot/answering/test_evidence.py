from __future__ import annotations

from datetime import date

import numpy as np

from bot.answering.evidence import Query, Reading, _focus, has_answer_type, restates
from bot.answering.followup import asked_last
from bot.answering.terms import TermWeights
from bot.answering.tuning import FOLLOW_UP_STRESS
from corpus.text.sentences import LINE_BREAK, sentence_spans
from tests.bot.fakes import make_article

TODAY = date(2026, 1, 1)


def parse(question: str, *texts: str, vector: np.ndarray | None = None) -> Query:
    return Query.parse(question, TermWeights.from_texts(texts or [question]), today=TODAY, vector=vector)


def test_a_day_of_a_month_the_question_names_is_not_the_date_it_asks_for() -> None:
    query = parse("By what date are officials to report the outcome under the January 2026 proclamation?")
    assert query.wants_date
    assert not has_answer_type("On January 14, 2026, the president issued a proclamation.", query)
    assert has_answer_type("Officials are to report the outcome by April 14, 2026.", query)


def test_answer_types_are_things_the_question_does_not_already_state() -> None:
    numeric = parse("How many chips did Beijing approve in 2025?")
    assert numeric.wants_number and has_answer_type("It approved 400,000 chips.", numeric)
    assert not has_answer_type("It approved them in 2025.", numeric)  # a year is not the count asked for
    person = parse("Who is the CEO of Rapidus?")
    assert person.wants_name and has_answer_type("Rapidus chief Atsuyoshi Koike said so.", person)
    assert not has_answer_type("rapidus said so.", person)


def test_the_focus_ends_at_a_past_tense_verb_but_not_at_a_participle_after_the() -> None:
    assert _focus("Which TechInsights analyst called the chip a slap in the face?") == ("analyst",)
    assert _focus("Which Chinese media outlet emailed Nvidia for comment?") == ("outlet",)
    assert _focus("What was the reported yield of the Ascend 910C in 2024?") == ("yield",)


def test_windows_are_runs_of_one_to_three_sentences_of_one_paragraph_with_the_terms_they_hold() -> None:
    text = "Japan approved 100 billion yen. Rapidus will use it.\nA new paragraph starts. It ends here. More."
    reading = Reading(make_article("a", text), parse("How much did Japan approve for Rapidus?", text))
    spans = sentence_spans(text)
    expected = []
    for i, first in enumerate(spans):
        for size in (1, 2, 3):
            if i + size > len(spans):
                break
            end = spans[i + size - 1].end
            if size > 1 and LINE_BREAK.search(text, first.start, end):
                break
            expected.append((i, size, first.start, end))
    assert [(w.first, w.size, w.start, w.end) for w in reading.windows] == expected
    assert reading.quote(reading.windows[1]) == "Japan approved 100 billion yen. Rapidus will use it."
    for window, present in zip(reading.windows, reading.window_present):
        held = reading.window_terms(window)
        assert present.tolist() == [t in held for t in reading.query.terms]
    assert reading.best_window == reading.windows[1]  # all three terms; the earlier, shorter of equals
    assert reading.window_coverage[1] == 1.0


def test_sentence_similarity_comes_from_stored_vectors_and_names_the_article_lacks_are_listed() -> None:
    text = "Nvidia may sell H200 chips. Washington takes a cut."
    article = make_article("a", text, title="H200 sales")
    spans = np.array([(s.start, s.end) for s in sentence_spans(text)])
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    query = parse("How big is Washington's cut of Nvidia and AMD sales?", text, vector=np.array([0.6, 0.8]))
    reading = Reading(article, query, spans=spans, vectors=vectors)
    assert np.allclose(reading.similarity, [0.6, 0.8])
    assert reading.missing_entities == ("AMD",)
    assert Reading(article, query).similarity.tolist() == [0.0, 0.0]  # no vectors: no similarity


def each_sentence(text: str, question: str, judge: str) -> dict[str, bool]:
    """Each one-sentence window of an article of ``text``, read for ``question``, judged by the
    ``Reading`` method named ``judge``."""
    reading = Reading(make_article("a", text), Query.parse(question, TermWeights.from_texts([]), today=TODAY))
    return {reading.quote(w): getattr(reading, judge)(w) for w in reading.windows if w.size == 1}


def test_a_window_ends_as_a_sentence_unless_it_is_a_heading_a_line_cut_short_or_a_link() -> None:
    text = (
        "https://www.commerce.gov/news/2019/05/rule.\nFunding Updates\nAMSTERDAM March 8 (Reuters) - The\n"
        "Netherlands will act.\nIt cited a report.[2]\nMore\nShares fell 3% in Amsterdam"
    )
    assert each_sentence(text, "What will the Netherlands do?", "ends_sentence") == {
        "Funding Updates": False,
        "AMSTERDAM March 8 (Reuters) - The": False,
        "Netherlands will act.": True,
        "It cited a report.[2]": True,
        "More": False,  # a word on a line of its own
        "https://www.commerce.gov/news/2019/05/rule.": False,  # a link is no sentence
        "Shares fell 3% in Amsterdam": True,  # the text's last line: nothing was cut from it
    }


def test_a_line_the_next_line_repeats_and_goes_on_with_is_restated() -> None:
    text = (
        "Suppliers outside China:\n- Lynas Rare Earths Ltd.\n- Lynas Rare Earths Ltd. is an Australian miner.\n"
        "- MP Materials runs a US mine."
    )
    assert each_sentence(text, "Who mines rare earths?", "restated") == {
        "Suppliers outside China:": False,
        "- Lynas Rare Earths Ltd.": True,
        "- Lynas Rare Earths Ltd. is an Australian miner.": False,
        "- MP Materials runs a US mine.": False,
    }


def test_two_quotes_restate_each_other_when_the_shorter_ones_words_are_nearly_all_in_the_other() -> None:
    article = make_article(
        "summary",
        "- The Dutch suspended their takeover of Nexperia.\n"
        "The Dutch have suspended their takeover of Nexperia, a Chinese-owned chipmaker, to ease tensions.\n"
        "- Nexperia is owned by Wingtech.",
    )
    reading = Reading(article, Query.parse("What did the Dutch do?", TermWeights.from_texts([]), today=TODAY))
    bullet, paragraph, owner = (reading.quote_words(w) for w in reading.windows if w.size == 1)
    assert "the" not in paragraph and {"dutch", "nexperia"} <= paragraph
    assert restates(bullet, paragraph) and restates(paragraph, bullet)
    assert not restates(bullet, owner) and not restates(frozenset(), owner)


def test_a_photos_caption_or_credit_is_told_apart_from_the_story() -> None:
    text = (
        "FILE - Chinese Commerce Minister Wang Wentao speaks at a press conference in Beijing.\n"
        "Workers check wafers at the plant. (AP Photo/Andy Wong)\nPhoto by Jane Doe on Unsplash\n"
        "The photo shows China's new export rules were filed on Monday."
    )
    assert each_sentence(text, "What did China file?", "is_caption") == {
        "FILE - Chinese Commerce Minister Wang Wentao speaks at a press conference in Beijing.": True,
        "Workers check wafers at the plant.": False,  # a caption's own words read as a sentence ...
        "(AP Photo/Andy Wong)": True,  # ... its credit does not
        "Photo by Jane Doe on Unsplash": True,
        "The photo shows China's new export rules were filed on Monday.": False,
    }


def test_the_words_a_follow_up_just_asked_weigh_more_than_the_question_it_joins() -> None:
    weights = TermWeights.from_texts(["The Dutch seized Nexperia. China reacted with an export ban."])
    joined = "What did the Dutch do to Nexperia? How did China react?"
    plain = Query.parse(joined, weights, today=TODAY)
    stressed = Query.parse(joined, weights, today=TODAY, stressed=asked_last(joined))
    for term in ("china", "react"):
        assert stressed.weights[term] == FOLLOW_UP_STRESS * plain.weights[term] > plain.weights[term]
    for term in ("dutch", "nexperia"):
        assert stressed.weights[term] == plain.weights[term]
    assert asked_last("What did the Dutch do to Nexperia?") == ""  # nothing appended: nothing stressed
