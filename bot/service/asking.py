"""The question flow shared by /ask, the "Ask chipbot" menu, DMs and mentions.

Checks (cooldown, length) happen before anything slow; the answer is computed in the worker pool
and recorded in the feedback store, so buttons under it can find it again after a restart.

Every question asked ends in one log line and one count in the metrics: an opaque id, the outcome
(answered, abstained, busy, error), the timings and the cited article ids. The question's words
(and who asked) appear only with ``CHIPBOT_LOG_QUESTIONS=1``: they are users' words.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.answering.types import Answer
from bot.service.collaborators import Services
from bot.service.workers import Busy
from corpus.text.dates import parse_span

log = logging.getLogger(__name__)


MAX_SINCE_CHARS = 40  # "2025-03-01", "6 months": anything longer is not a date or a span


class BadOption(ValueError):
    """A command option the user typed could not be understood. ``expected`` says what would be;
    surfaces echo ``value`` back their own way (Discord escapes and clips it)."""

    def __init__(self, option: str, value: str, expected: str) -> None:
        self.option, self.value, self.expected = option, value, expected
        super().__init__(f"I couldn't read {option}={value.strip()[:MAX_SINCE_CHARS]!r}: {expected}")


def parse_since(text: str | None, today: date) -> date | None:
    """``2025-03-01`` or a relative span such as ``7d``, ``2w``, ``3m``, ``1y`` (at most a century)."""
    if not text or not text.strip():
        return None
    expected = "use a date like 2025-03-01 or a span like 30d, 2w, 6m."
    if len(text) > MAX_SINCE_CHARS:
        raise BadOption("since", text, expected)
    if (days := parse_span(text)) is not None:
        return today - timedelta(days=days)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadOption("since", text, expected) from None


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
        started = time.perf_counter()
        try:
            asked = await self.services.workers.run(self._answer_blocking, question)
        except Busy:
            self._report(question, "busy", started)
            raise
        except Exception as exc:
            self._report(question, "error", started, error=type(exc).__name__)
            raise
        self._report(question, "abstained" if asked.answer.abstained else "answered", started, asked)
        return asked

    def _report(
        self, question: Question, outcome: str, started: float, asked: Asked | None = None, error: str | None = None
    ) -> None:
        seconds = time.perf_counter() - started
        self.services.metrics.question(outcome, seconds)
        fields: dict[str, Any] = {"event": "question", "qid": secrets.token_hex(6), "outcome": outcome}
        fields["total_ms"] = round(seconds * 1000, 1)
        text = f"question {fields['qid']} {outcome} in {fields['total_ms']:.0f} ms"
        if asked is not None:
            fields["answer_id"] = asked.answer_id
            fields["timings_ms"] = {k: round(v, 1) for k, v in asked.answer.timings_ms.items()}
            fields["cited"] = [c.article.id for c in asked.answer.citations]
            fields["generated"] = asked.answer.generated
            steps = ", ".join(
                f"{k} {v:.0f}" for k, v in fields["timings_ms"].items() if k in ("search", "compose", "llm")
            )
            text += f" ({steps} ms); answer {asked.answer_id}; cited {','.join(fields['cited']) or '-'}"
        if error is not None:
            fields["error"] = error
            text += f": {error}"
        if self.services.log_questions:
            fields |= {"question": question.text, "user_id": question.user_id, "channel_id": question.channel_id}
            text += f"; user {question.user_id} asked {question.text!r}"
        log.log(logging.ERROR if error else logging.INFO, text, extra=fields)

    def _answer_blocking(self, question: Question) -> Asked:
        services = self.services
        conversation = services.conversations.get(question.user_id, question.channel_id)
        answer = services.answerer.answer(
            question.text, since=question.since, sources=question.sources, conversation=conversation
        )
        answer_id = services.feedback.record_answer(answer, user_id=question.user_id, channel_id=question.channel_id)
        return Asked(answer, answer_id)
