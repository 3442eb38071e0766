"""Who starts what: settings -> embedder -> index -> the answerer and the bot's collaborators.

The one place the long-lived pieces are constructed, for the CLI and the Discord bot alike:
``make_settings_embedder`` (the model the settings name), ``open_index`` / ``ensure_index`` (the
current generation, built from the bundled sample on a first run), ``make_answerer`` and
``make_services`` (everything ``ChipBot`` is given). Heavy libraries are imported inside.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.service.collaborators import Services
from bot.service.conversations import Conversations
from bot.service.cooldown import Cooldown
from bot.service.feedback_store import FeedbackStore
from bot.service.following.service import FollowService
from bot.service.metrics import Metrics
from bot.service.refresh import IndexUpdater, Refresher, load_feeds
from bot.service.refresh_journal import RefreshJournal
from bot.service.settings import Settings
from bot.service.timeline import Timelines
from bot.service.workers import WorkerPool

if TYPE_CHECKING:
    from bot.answering.answerer import Answerer
    from bot.answering.lexicon import Lexicon
    from corpus.gate.model import TopicGate
    from corpus.sources import Fetcher
    from index.embed import Embedder
    from index.search import Index

log = logging.getLogger(__name__)


def make_settings_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name; exported model files are cached under the data directory."""
    from index.embed import make_embedder

    return make_embedder(settings.model, settings.embed_backend, cache_dir=settings.data_dir / "models")


def make_gate(settings: Settings, embedder: Embedder | None = None) -> TopicGate:
    """The topic gate for feed items: the trained weights (CHIPBOT_GATE_WEIGHTS, else the packaged
    ones) at CHIPBOT_GATE_THRESHOLD (else the trained threshold). It reuses ``embedder`` (the index's)
    when that is the model the weights were trained on, else loads that model itself (ONNX)."""
    from corpus.gate.model import GateModel, TopicGate
    from index.embed import make_embedder

    model = GateModel.load(settings.gate_weights)
    if embedder is None or embedder.name != model.embedder:
        embedder = make_embedder(model.embedder, "onnx", cache_dir=settings.data_dir / "models")
    return TopicGate(model, embedder, threshold=settings.gate_threshold)


def open_index(settings: Settings, embedder: Embedder | None = None) -> Index:
    """Open the current index generation (raises ``IndexNotFound`` with a hint when there is none).

    The check comes first so that a missing index is reported before any model is loaded.
    """
    from index.errors import IndexNotFound
    from index.generation import Generations
    from index.search import Index

    if Generations(settings.data_dir).current() is None:
        raise IndexNotFound(settings.data_dir)
    return Index.open(settings.data_dir, embedder or make_settings_embedder(settings))


def ensure_index(settings: Settings, *, progress: bool = False) -> Index:
    """Open the index, first building it from the bundled sample corpus when the data dir has none."""
    from index.errors import IndexNotFound

    try:
        return open_index(settings)
    except IndexNotFound:
        pass
    from corpus.pipeline import ingest
    from corpus.sample import SAMPLE_PATH
    from corpus.store import open_store
    from index.builder import update_index

    log.warning("no index in %s yet: building it from the bundled sample corpus", settings.data_dir)
    embedder = make_settings_embedder(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = open_store(settings.data_dir)
    try:
        ingest([str(SAMPLE_PATH)], store, progress=progress)
        update_index(settings.data_dir, store, embedder, progress=progress)
    finally:
        store.close()
    return open_index(settings, embedder)


def make_lexicon(settings: Settings) -> Lexicon:
    """The entity lexicon answers read descriptions with (CHIPBOT_LEXICON; an empty one when off)."""
    from bot.answering.lexicon import Lexicon

    if not settings.use_lexicon:
        return Lexicon(())
    return Lexicon.load(settings.lexicon) if settings.lexicon else Lexicon.load()


def make_answerer(settings: Settings, *, bootstrap: bool = False) -> Answerer:
    """An Answerer over the data dir's index (built from the sample corpus first if ``bootstrap``)."""
    from bot.answering.answerer import Answerer
    from bot.service.llm import make_llm_writer

    index = ensure_index(settings) if bootstrap else open_index(settings)
    return Answerer(index, llm=make_llm_writer(settings), lexicon=make_lexicon(settings))


def feeds_file(settings: Settings) -> Path:
    import corpus

    return settings.feeds_file or Path(corpus.__file__).with_name("feeds.toml")


def make_fetcher(settings: Settings) -> Fetcher:
    """The HTTP fetcher for pages and feeds: public addresses only unless CHIPBOT_ALLOW_PRIVATE_FETCH,
    and robots.txt skipped for the pages of feeds marked ``ignore_robots_txt`` in the feeds file."""
    from corpus.feeds import read_feeds_file
    from corpus.sources import Fetcher

    path = feeds_file(settings)
    exempt = frozenset(f.url for f in read_feeds_file(path) if f.ignore_robots_txt) if path.is_file() else frozenset()
    return Fetcher(allow_private=settings.allow_private_fetch, robots_exempt_feeds=exempt)


def worker_pool(settings: Settings) -> WorkerPool:
    """Extractive answering is CPU work under the GIL: a second thread adds no throughput, only
    contention with the event loop (measured: worst loop stall 22 ms with one worker, 33 ms with two,
    50 questions on the shared corpus). Answers worded by an LLM mostly wait on the network."""
    return WorkerPool(max_workers=4 if settings.llm_base_url else 1, max_queue=64)


def make_services(settings: Settings, index: Index, *, background: bool = True) -> Services:
    """Everything ChipBot needs; ``background=False`` (for ``chipbot sync``) leaves out the refresher."""
    from bot.answering.answerer import Answerer
    from bot.service.llm import make_llm_writer

    answerer = Answerer(index, llm=make_llm_writer(settings), lexicon=make_lexicon(settings))
    metrics = Metrics()
    refresher, journal = None, None
    if background:
        journal = RefreshJournal.open(settings.data_dir, metrics)
        path = feeds_file(settings)
        feeds = load_feeds(path) if path.is_file() else []
        if not feeds:
            log.warning("no feeds in %s: background refresh is off", path)
        gate = make_gate(settings, index.embedder)
        updater = IndexUpdater(settings.data_dir, index.embedder, make_fetcher(settings), gate=gate)
        refresher = Refresher(
            updater,
            index,
            feeds=feeds,
            counts=updater.feed_counts,
            interval_s=settings.refresh_minutes * 60,
            on_swap=[answerer.refresh],
            check_s=settings.reload_seconds,
            observers=[journal.record],
        )
    follows, timelines = make_follows(settings, index, answerer, swap=refresher.swapper.swap if refresher else None)
    if refresher is not None:  # after any swap (a refresh, or a generation published elsewhere): a round now
        refresher.on_swap.append(follows.wake)
    return Services(
        answerer=answerer,
        search=index,
        feedback=FeedbackStore.open(settings.data_dir),
        conversations=Conversations(),
        cooldown=Cooldown(),
        workers=worker_pool(settings),
        admin_ids=settings.admin_user_ids,
        refresher=refresher,
        follows=follows if background else None,  # `chipbot sync` only registers the commands
        timelines=timelines,
        metrics=metrics,
        journal=journal,
        log_questions=settings.log_questions,
    )


def make_follows(
    settings: Settings, index: Index, answerer: Answerer, *, swap: Callable[[], bool] | None = None
) -> tuple[FollowService, Timelines]:
    """Follows and timelines share one relevance judgement (``bot.answering.relevance``) and floor.

    To judge topics with another model, build it here: anything with ``scores(topic, articles)``
    returning probabilities fits, with the floor chosen for it on the tune topics.

    ``swap``: the bot's ``IndexSwapper.swap`` (bot.service.swap), the one place a newer generation is
    taken into service, with its hooks; a follow round picks up a newer generation through it. Without
    one (``chipbot timeline``), a swapper of its own that never watches does the same."""
    from bot.answering.relevance import TopicRelevance
    from bot.service.following.matching import FollowMatcher
    from bot.service.following.store import FollowStore
    from bot.service.swap import IndexSwapper

    # The answerer's own judgement (it leads "the latest on X" with the newest article about X): one
    # model, one cache of topics and sentence vectors for answers, follows and timelines.
    shared = answerer.relevance
    relevance = (
        shared
        if isinstance(shared, TopicRelevance)
        else TopicRelevance(index, weights=lambda: answerer.weights, version=lambda: index.manifest.generation)
    )

    follows = FollowService(
        FollowStore.open(settings.data_dir),
        index,
        FollowMatcher(relevance, relevance.floor),
        generation=lambda: index.manifest.generation,
        reload=swap or IndexSwapper(index, on_swap=[answerer.refresh], check_s=0).swap,
        posts_per_hour=settings.follow_posts_per_hour,
        poll_s=settings.follow_poll_seconds,
    )
    return follows, Timelines(index, relevance, relevance.floor)
