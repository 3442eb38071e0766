"""Fixtures shared by the bot's tests: the shared corpus indexed once per session with the real model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.answering.answerer import Answerer
from bot.service.settings import Settings
from index.search import Index


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """The whole shared corpus indexed with the real model (skips without it); built once per session."""
    from tests.conftest import SHARED_CORPUS

    corpus = SHARED_CORPUS / "chip_trade_news.jsonl"
    if not corpus.is_file():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS} (set CHIPBOT_SHARED_CORPUS)")
    from bot.service.wiring import make_settings_embedder
    from corpus.pipeline import ingest
    from corpus.store import open_store
    from index.builder import update_index

    data_dir = tmp_path_factory.mktemp("shared-index")
    settings = Settings.from_env(data_dir=data_dir, env={"HF_HUB_OFFLINE": "1"})
    embedder = make_settings_embedder(settings)
    with open_store(data_dir) as store:
        ingest([str(corpus)], store)
        update_index(data_dir, store, embedder)
    yield Index.open(data_dir, embedder)


@pytest.fixture(scope="session")
def shared_answerer(shared_index: Index) -> Answerer:
    return Answerer(shared_index)
