"""Wiring shared by the CLI and the Discord bot: the embedder, the index, and first-run setup."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.service.settings import Settings

if TYPE_CHECKING:
    from index.embed import Embedder
    from index.search import Index

log = logging.getLogger(__name__)


def make_settings_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name; exported model files are cached under the data directory."""
    from index.embed import make_embedder

    return make_embedder(settings.model, settings.embed_backend, cache_dir=settings.data_dir / "models")


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
