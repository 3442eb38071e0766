from __future__ import annotations

import pytest

from bot.answering.followup import resolve_followup

PREVIOUS = "Did Beijing approve Alibaba to buy H200 chips?"


@pytest.mark.parametrize(
    ("follow_up", "resolved"),
    [
        ("what about Tencent?", "Did Beijing approve Tencent to buy H200 chips?"),
        ("And what about the H20?", "Did Beijing approve Alibaba to buy H20 chips?"),
        ("how about Japan?", "Did Japan approve Alibaba to buy H200 chips?"),
        (
            "what about the rare earth curbs?",
            "Did Beijing approve Alibaba to buy H200 chips: what about rare earth curbs?",
        ),
        ("when was that?", f"{PREVIOUS} When was that?"),
        ("who said it", f"{PREVIOUS} Who said it"),
    ],
)
def test_follow_ups_are_rewritten_against_the_previous_question(follow_up: str, resolved: str) -> None:
    assert resolve_followup(follow_up, PREVIOUS) == resolved


@pytest.mark.parametrize(
    "question",
    [
        "How many Inspur subsidiaries were added to the Entity List in March 2025?",
        "Is that rule on HBM chips from December 2024 still in force for Samsung?",
    ],
)
def test_questions_that_stand_alone_pass_unchanged(question: str) -> None:
    assert resolve_followup(question, PREVIOUS) == question


def test_without_a_previous_question_nothing_changes() -> None:
    assert resolve_followup("what about Tencent?", None) == "what about Tencent?"
