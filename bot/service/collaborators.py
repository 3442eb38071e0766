"""What the Discord layer needs from the rest of chipbot, as small protocols, bundled for the bot."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from bot.answering.types import Answer
from bot.service.cooldown import Cooldown
from bot.service.feedback_store import FeedbackStore
from bot.service.following.service import FollowService
from bot.service.metrics import Metrics
from bot.service.refresh_journal import RefreshJournal
from bot.service.timeline import Timelines
from bot.service.workers import WorkerPool
from corpus.types import Article
from index.types import SearchResult


class AnswerService(Protocol):
    def answer(
        self,
        question: str,
        *,
        since: date | None = None,
        until: date | None = None,
        sources: list[str] | None = None,
        conversation: Any = None,
    ) -> Answer: ...

    def warm(self) -> None:
        """Load what the first question would otherwise wait for."""


class Search(Protocol):
    def search(
        self, query: str, *, k: int = 5, since: date | None = None, sources: list[str] | None = None
    ) -> SearchResult: ...

    def latest(self, n: int, topic: str | None = None) -> Sequence[Article]: ...

    def outlets(self) -> list[tuple[str, int, date | None]]: ...


class ConversationBook(Protocol):
    """Per (user, channel) conversation state handed to the answer service for follow-ups."""

    def get(self, user_id: int, channel_id: int) -> Any: ...


class Refresh(Protocol):
    """Polls feeds / ingests URLs and swaps in the new index generation (see bot.service.refresh)."""

    async def refresh_now(self) -> Any: ...

    async def ingest_url(self, url: str) -> Any: ...

    def status(self) -> Any: ...

    def feed_counts(self) -> Any: ...

    def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class Limits:
    max_question_chars: int = 500
    search_results: int = 15
    search_page_size: int = 5
    latest_count: int = 10


@dataclass
class Services:
    """Everything the cogs use, passed into :class:`bot.discordbot.client.ChipBot`; nothing global."""

    answerer: AnswerService
    search: Search
    feedback: FeedbackStore
    conversations: ConversationBook
    cooldown: Cooldown
    workers: WorkerPool
    admin_ids: frozenset[int] = frozenset()
    refresher: Refresh | None = None
    limits: Limits = field(default_factory=Limits)
    follows: FollowService | None = None  # /follow alerts (None: not offered)
    timelines: Timelines | None = None  # /timeline charts (None: not offered)
    metrics: Metrics = field(default_factory=Metrics)  # a fresh registry per bot, never a global one
    journal: RefreshJournal | None = None  # each feed's last refresh (None: not refreshing)
    log_questions: bool = False  # put users' question text in the answer log lines
