from __future__ import annotations

import sys

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


def test_silent_conversations_are_dropped_as_they_expire() -> None:
    clock = Clock()
    conversations = Conversations(ttl_minutes=10, clock=clock)
    for user in range(100):
        conversations.get(user, 1).remember("q?", _answer("q?"))
    clock.now += 11 * 60
    conversations.get("late", 1)
    assert len(conversations) == 1


def test_the_book_is_safe_to_use_from_worker_threads() -> None:
    import threading

    conversations = Conversations(clock=Clock(), max_conversations=50)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(2000):
                conversations.get((worker * 7 + i) % 120, i % 3).remember("q?", _answer("q?"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to make races show
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == [] and len(conversations) == 50
