"""Shared fixtures: every test gets its own data directory; the shared corpus is found beside the repo."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = Path(os.environ.get("CHIPBOT_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point chipbot's data directory at a fresh temp dir, and keep the tests offline."""
    path = tmp_path / "data"
    monkeypatch.setenv("CHIPBOT_DATA_DIR", str(path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("CHIPBOT_LLM_BASE_URL", raising=False)
    return path


@pytest.fixture
def shared_corpus() -> Path:
    """The shared development corpus (../shared/corpus); tests that need it skip without it."""
    if not (SHARED_CORPUS / "chip_trade_news.jsonl").is_file():
        pytest.skip(f"shared corpus not found at {SHARED_CORPUS} (set CHIPBOT_SHARED_CORPUS)")
    return SHARED_CORPUS


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """`chipbot` commands run in-process configure the root logger (bot.service.logs); undo it after each test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
