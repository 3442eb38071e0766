from __future__ import annotations

from bot.answering.types import Answer
from bot.service.conversations import Conversations

PREVIOUS = "Did Beijing approve Alibaba to buy H200 chips?"


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
