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
    assert corrected.names == ("Nvidia", "Nexperia")
    assert correct_names("Did Nivdai sell chips?", WEIGHTS).names == ()  # two edits: too far for six letters


def test_words_the_articles_use_short_words_and_ties_are_left_alone() -> None:
    assert correct_names("were prices swept up?", WEIGHTS).names == ()  # "swept" is an article word
    assert correct_names("did nvid rise?", WEIGHTS).names == ()  # four letters: too short to guess from
    assert correct_names("what did tessam make?", WEIGHTS).names == ()  # Tessal or Tessan: a tie


def test_a_question_that_capitalises_names_has_its_lower_case_words_left_alone() -> None:
    assert correct_names("Did Nvida say nexpeira fell?", WEIGHTS).names == ("Nvidia",)
