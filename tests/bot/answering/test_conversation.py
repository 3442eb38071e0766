from __future__ import annotations

import pytest

from bot.answering.conversation import Conversations, resolve_followup
from bot.answering.types import Answer

PREVIOUS = "Did Beijing approve Alibaba to buy H200 chips?"


@pytest.mark.parametrize(
    ("follow_up", "resolved"),
    [
        ("what about Tencent?", "Did Beijing approve Tencent to buy H200 chips?"),
        ("And what about the H20?", "Did Beijing approve Alibaba to buy H20 chips?"),
        ("how about Japan?", "Did Japan approve Alibaba to buy H200 chips?"),
        ("what about the rare earth curbs?", "Did Beijing approve Alibaba to buy H200 chips: what about rare earth curbs?"),
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


def _answer(question: str) -> Answer:
    return Answer(question=question, text="", citations=[], abstained=True)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_conversations_are_per_user_and_channel_and_expire() -> None:
    clock = Clock()
    conversations = Conversations(ttl_minutes=10, clock=clock)
    mine = conversations.get("u1", "c1")
    mine.remember(PREVIOUS, _answer(PREVIOUS))
    assert conversations.get("u1", "c1").resolve("what about Tencent?") != "what about Tencent?"
    assert conversations.get("u2", "c1").last_question is None
    assert conversations.get("u1", "c2").last_question is None
    clock.now += 9 * 60
    assert conversations.get("u1", "c1").last_question == PREVIOUS
    clock.now += 11 * 60
    assert conversations.get("u1", "c1").last_question is None


def test_oldest_conversations_are_dropped_beyond_the_cap() -> None:
    conversations = Conversations(clock=Clock(), max_conversations=2)
    for user in ("a", "b", "c"):
        conversations.get(user, 1).remember("q?", _answer("q?"))
    assert len(conversations) == 2
    assert conversations.get("a", 1).last_question is None
