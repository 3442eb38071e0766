"""Acronyms and names in questions."""

from __future__ import annotations

from bot.answering.terms import acronym_pattern, entities


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
