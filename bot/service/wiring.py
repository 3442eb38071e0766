"""Wiring: settings + an open index -> the bot's collaborators. The only place they are constructed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bot.service.settings import Settings
from bot.answering.conversation import Conversations
from bot.service.cooldown import Cooldown
from bot.service.feedback_store import FeedbackStore
from bot.service.refresh import IndexUpdater, Refresher, load_feeds
from bot.service.collaborators import Services
from bot.service.workers import WorkerPool

if TYPE_CHECKING:
    from index.search import Index

log = logging.getLogger(__name__)


def feeds_file(settings: Settings) -> Path:
    import corpus

    return settings.feeds_file or Path(corpus.__file__).with_name("feeds.toml")


def worker_pool(settings: Settings) -> WorkerPool:
    """Extractive answering is CPU work under the GIL: a second thread adds no throughput, only
    contention with the event loop (measured: worst loop stall 22 ms with one worker, 33 ms with two,
    50 questions on the shared corpus). Answers worded by an LLM mostly wait on the network."""
    return WorkerPool(max_workers=4 if settings.llm_base_url else 1, max_queue=64)


def make_services(settings: Settings, index: Index, *, background: bool = True) -> Services:
    """Everything ChipBot needs; ``background=False`` (for ``chipbot sync``) leaves out the refresher."""
    from bot.answering.answerer import Answerer
    from bot.service.llm import make_llm_writer

    answerer = Answerer(index, llm=make_llm_writer(settings))
    refresher = None
    if background:
        path = feeds_file(settings)
        feeds = load_feeds(path) if path.is_file() else []
        if not feeds:
            log.warning("no feeds in %s: background refresh is off", path)
        refresher = Refresher(
            IndexUpdater(settings.data_dir, index.embedder),
            index,
            feeds=feeds,
            interval_s=settings.refresh_minutes * 60,
            on_swap=answerer.refresh,
        )
    return Services(
        answerer=answerer,
        search=index,
        feedback=FeedbackStore.open(settings.data_dir),
        conversations=Conversations(),
        cooldown=Cooldown(),
        workers=worker_pool(settings),
        admin_ids=settings.admin_user_ids,
        refresher=refresher,
    )
