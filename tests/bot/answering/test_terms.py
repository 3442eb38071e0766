"""Acronyms and names in questions."""

from __future__ import annotations

from datetime import date

from bot.answering.evidence import Query
from bot.answering.terms import TermWeights, acronym_pattern, entities, name_words
from tests.bot.fakes import make_article


def test_acronyms_match_their_spelled_out_form_only() -> None:
    assert acronym_pattern("CSIS").search("the Center for Strategic and International Studies said")
    assert acronym_pattern("R&D").search("tax credits for research and development")
    assert acronym_pattern("USTR").search("the U.S. Trade Representative")
    assert not acronym_pattern("CSIS").search("Cases in sis")
    assert acronym_pattern("Nvidia") is None


def test_a_capitalised_first_word_is_not_a_name_but_acronyms_and_phrases_are() -> None:
    assert entities("Apart from China, which countries were listed?") == ["China"]
    assert entities("ASML sales guidance?") == ["ASML"]
    assert entities("Tata Electronics subsidy?") == ["Tata Electronics"]


PROSE = [
    "Shares of Nvidia fell. Analysts said Nvidia would sell fewer chips to China. The chips went to South Korea.",
    "Rapidus builds a fab in Chitose, where Rapidus hired staff. Chips made by Nvidia are sold in South Korea.",
    "Exports of chips rose. Exports were licensed by the ministry in Chitose.",
]


def test_proper_words_are_those_the_articles_capitalise_where_no_sentence_opens() -> None:
    proper, named = name_words(PROSE)
    assert {"nvidia", "south", "korea", "chitose"} <= proper.keys() <= named.keys()
    assert named["rapidus"] == "Rapidus" and "exports" not in named  # a word of a name, once; sentence openers are not
    assert proper["nvidia"] == "Nvidia"  # as the articles write it
    assert "chips" not in proper  # also written in lower case
    assert "exports" not in proper  # capitalised only where a sentence opens
    assert "rapidus" not in proper  # named mid-sentence once: too little to go on
    assert "analysts" not in proper and "shares" not in proper


def test_a_lower_case_question_names_what_the_articles_write_as_names() -> None:
    proper, _ = name_words(PROSE)
    assert entities("how many chips did nvidia sell in south korea?", proper) == ["nvidia", "south korea"]
    assert entities("Did Nvidia sell chips in chitose?", proper) == ["Nvidia", "chitose"]
    assert entities("how many chips did nvidia sell?") == []  # without the corpus's capitals: none


def test_query_parse_reads_names_through_the_weights_of_the_articles() -> None:
    articles = [make_article(f"a{i}", text, title="Nvidia Chips Exports News") for i, text in enumerate(PROSE)]
    weights = TermWeights.from_articles(articles)
    assert "news" not in weights.proper  # a title capitalises every word: titles are not read for names
    query = Query.parse("did nvidia ship chips to south korea", weights, today=date(2026, 1, 1))
    assert query.entities == ("nvidia", "south korea")
