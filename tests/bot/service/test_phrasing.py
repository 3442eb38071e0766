"""How `chipbot eval --asked` types a question."""

from __future__ import annotations

import pytest

from bot.service.phrasing import OPENINGS, STYLES, as_asked

QUESTION = "Which Dutch company did Wingtech buy, and when did Nexperia say so?"


def test_a_misspelt_question_has_one_name_slipped_the_same_way_every_time() -> None:
    slipped = as_asked(QUESTION, "misspelt")
    assert slipped == as_asked(QUESTION, "misspelt") != QUESTION
    changed = [(a, b) for a, b in zip(QUESTION.split(), slipped.split()) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith(("Wingtech", "Nexperia"))  # a name of six letters or more
    assert as_asked("Was the deal with ASML legal?", "misspelt") == "Was the deal with ASML legal?"  # no such name


def test_a_framed_question_opens_like_chat_and_keeps_a_leading_name() -> None:
    framed = {as_asked(q, "framed") for q in ("Which firm owns Nexperia?", "Did Nvidia sell?", "Nvidia sold what?")}
    assert all(any(f.startswith(o) for o in OPENINGS) for f in framed)
    assert any(f.endswith("which firm owns Nexperia?") for f in framed)  # the question word in lower case
    assert any(f.endswith("Nvidia sold what?") for f in framed)  # a name is kept as written


def test_every_style_is_known_and_others_are_refused_with_the_choices() -> None:
    assert [as_asked("Did Nvidia sell?", s) for s in STYLES[:2]] == ["Did Nvidia sell?", "did nvidia sell?"]
    with pytest.raises(ValueError, match="as-written, lower-case, misspelt, framed"):
        as_asked(QUESTION, "shouted")
