"""The question flow shared by /ask, the "Ask chipbot" menu, DMs and mentions.

Checks (cooldown, length) happen before anything slow; the answer is computed in the worker pool
and recorded in the feedback store, so buttons under it can find it again after a restart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from bot.answering.types import Answer
from bot.service.collaborators import Services
from corpus.text.dates import parse_span

log = logging.getLogger(__name__)


class BadOption(ValueError):
    """A command option the user typed could not be understood; the message says what is expected."""


def parse_since(text: str | None, today: date) -> date | None:
    """``2025-03-01`` or a relative span such as ``7d``, ``2w``, ``3m``, ``1y`` (at most a century)."""
    if not text or not text.strip():
        return None
    if (days := parse_span(text)) is not None:
        return today - timedelta(days=days)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        shown = text.strip()[:40].replace("`", "'")
        raise BadOption(
            f"I couldn't read since=`{shown}`: use a date like 2025-03-01 or a span like 30d, 2w, 6m."
        ) from None


@dataclass(frozen=True)
class Question:
    text: str
    user_id: int
    channel_id: int
    since: date | None = None
    sources: list[str] | None = None


@dataclass(frozen=True)
class Asked:
    answer: Answer
    answer_id: int  # row in the feedback store, referenced by the buttons


class Asker:
    def __init__(self, services: Services) -> None:
        self.services = services

    def refusal(self, user_id: int, text: str) -> str | None:
        """Why this question is refused right now (too long, empty, cooldown), or None to go ahead."""
        limit = self.services.limits.max_question_chars
        if not text.strip():
            return "Ask me a question about chip-trade news, e.g. *What did the US restrict in October 2023?*"
        if len(text) > limit:
            return f"That question is {len(text)} characters long; please keep it under {limit}."
        wait = self.services.cooldown.hit(user_id)
        if wait > 0:
            return f"You're asking quickly! Please wait {wait:.0f} s before the next question."
        return None

    async def ask(self, question: Question) -> Asked:
        """Answer in the worker pool; raises :class:`bot.service.workers.Busy` when the pool is full."""
        return await self.services.workers.run(self._answer_blocking, question)

    def _answer_blocking(self, question: Question) -> Asked:
        services = self.services
        conversation = services.conversations.get(question.user_id, question.channel_id)
        answer = services.answerer.answer(
            question.text, since=question.since, sources=question.sources, conversation=conversation
        )
        answer_id = services.feedback.record_answer(answer, user_id=question.user_id, channel_id=question.channel_id)
        log.info(
            "answered user %s: abstained=%s citations=%d", question.user_id, answer.abstained, len(answer.citations)
        )
        return Asked(answer, answer_id)
