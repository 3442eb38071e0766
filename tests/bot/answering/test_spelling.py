"""Misspelt names are read as the names the articles write."""

from __future__ import annotations

from bot.answering.spelling import correct_names
from bot.answering.terms import TermWeights

PROSE = [
    "Shares of Nvidia and Nexperia fell, as did those of Nvidia and Nexperia. Analysts at Tessal and Tessan said so.",
    "The chips of Tessal and Tessan were swept up in Sept when prices rose.",
]
WEIGHTS = TermWeights.from_texts(PROSE, PROSE)


def test_a_word_no_article_uses_is_read_as_the_one_name_that_close() -> None:
    corrected = correct_names("did nvida buy nexpeira chips?", WEIGHTS)
    assert corrected.text == "did Nvidia buy Nexperia chips?"
    assert corrected.respelt == (("nvida", "Nvidia"), ("nexpeira", "Nexperia"))
    assert correct_names("Did Nivdai sell chips?", WEIGHTS).respelt == ()  # two edits: too far for six letters


def test_words_the_articles_use_short_words_and_ties_are_left_alone() -> None:
    assert correct_names("were prices swept up?", WEIGHTS).respelt == ()  # "swept" is an article word
    assert correct_names("did nvid rise?", WEIGHTS).respelt == ()  # four letters: too short to guess from
    assert correct_names("what did tessam make?", WEIGHTS).respelt == ()  # Tessal or Tessan: a tie


def test_a_question_that_capitalises_names_has_its_lower_case_words_left_alone() -> None:
    assert correct_names("Did Nvida say nexpeira fell?", WEIGHTS).respelt == (("Nvida", "Nvidia"),)


NAMED = [
    "Exports need a permit under the Strategic Trade Act. Exports on the list are strategic.",
    "Permits are strategic, said the Strategic Trade office. The items were verified and listed.",
    "The Verified End-User programme grew. Washington said so; Washington agreed.",
    "In Washington, officials met. Washington and Tokyo spoke.",
    "A page wrote Washinton once. Chips from the Nijmegen plant ship.",
    "Nijmegen plant output fell, said Nijmegen officials.",
]
NAMED_WEIGHTS = TermWeights.from_texts(NAMED, NAMED)


def test_a_capitalised_word_may_be_a_word_the_articles_capitalise_only_in_a_name() -> None:
    # "strategic" is also written in lower case, so it is no name by itself; "Strtaegic" in a
    # question that capitalises its names is still a slip of the "Strategic" of a name, one edit away.
    assert "strategic" not in NAMED_WEIGHTS.proper and "strategic" in NAMED_WEIGHTS.named
    corrected = correct_names("What does the Strtaegic Trade Act cover?", NAMED_WEIGHTS)
    assert corrected.text == "What does the Strategic Trade Act cover?" and corrected.respelt == (
        ("Strtaegic", "Strategic"),
    )
    # In lower case only the words the articles nearly always capitalise are names.
    assert correct_names("what does the strtaegic trade act cover", NAMED_WEIGHTS).respelt == ()
    # Two edits are allowed only towards a name: "Unverified" is a word, not a misspelt "Verified".
    assert correct_names("Who is on the Unverified List?", NAMED_WEIGHTS).respelt == ()


def test_of_names_equally_close_the_one_most_articles_use_is_read_and_hyphenated_parts_count() -> None:
    assert correct_names("What did Washigton say?", NAMED_WEIGHTS).respelt == (
        ("Washigton", "Washington"),
    )  # not "Washinton"
    corrected = correct_names("Who owns the Nijmgen-based plant?", NAMED_WEIGHTS)
    assert corrected.text == "Who owns the Nijmegen-based plant?"


def test_an_index_whose_names_are_all_also_written_in_lower_case_still_reads_a_slip_of_one() -> None:
    texts = ["Exports need a permit under the Strategic Trade Act.", "Trade in strategic items needs an act of law."]
    weights = TermWeights.from_texts(texts, texts)
    assert not weights.proper and "strategic" in weights.named  # no word is (nearly) always capitalised
    corrected = correct_names("What does the Strtaegic Trade Act cover?", weights)
    assert corrected.respelt == (("Strtaegic", "Strategic"),)
    assert correct_names("what does the strtaegic trade act cover", weights).respelt == ()
