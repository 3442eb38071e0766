"""Countries by any of their names, and what that does to a question's missing names."""

from __future__ import annotations

from datetime import date

from bot.answering.evidence import Query, Reading
from bot.answering.places import country_names
from bot.answering.terms import TermWeights
from tests.bot.fakes import make_article


def test_a_capital_a_demonym_and_a_name_name_one_country() -> None:
    assert {"japan", "japanese", "tokyo"} <= country_names("Tokyo")
    assert country_names("the  NETHERLANDS") == country_names("Netherlands")  # case and spaces aside
    assert {"netherlands", "dutch", "amsterdam"} <= country_names("Dutch")
    assert "washington" in country_names("American")  # "Washington D.C." is read as "Washington"
    assert country_names("Nvidia") == frozenset()


def test_a_demonym_two_countries_share_is_the_most_populous_ones() -> None:
    assert "beijing" in country_names("Chinese") and "hong kong" not in country_names("Chinese")


def test_codes_name_no_country_because_as_words_they_match_everywhere() -> None:
    assert country_names("IT") == country_names("AND") == country_names("CAN") == frozenset()
    assert "it" not in country_names("Italy") and "in" not in country_names("India")


def test_an_article_naming_the_country_names_its_capital() -> None:
    japan = make_article("a1", "Japan will fund the second Kumamoto fab. The Japanese ministry said so.")
    elsewhere = make_article("a2", "The second Kumamoto fab will open in 2027, the company said.")
    weights = TermWeights.from_articles([japan, elsewhere])
    query = Query.parse("What strings might Tokyo attach to the Kumamoto subsidy?", weights, today=date(2026, 1, 1))
    assert "Tokyo" in query.entities
    assert Reading(japan, query).missing_entities == ()
    assert Reading(elsewhere, query).missing_entities == ("Tokyo",)
