"""A small real world for the Discord tests: a handful of articles (our own words) in a real index
built with the hash embedder, the real Answerer, and a ChipBot wired to them, run inside SimCord."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import simcord

from bot.answering.answerer import Answerer
from bot.discordbot.client import ChipBot
from bot.discordbot.runner import sync_tree
from bot.service.collaborators import Limits, Services
from bot.service.conversations import Conversations
from bot.service.cooldown import Cooldown
from bot.service.feedback_store import FeedbackStore
from bot.service.workers import WorkerPool
from index.embed import make_embedder
from index.search import Index

HOSTILE = (
    "@everyone @here <@&111222333> <@444555666> **not bold** __nor__ ||spoiler|| `code` [evil](https://evil.example)"
)

ARTICLES: list[dict[str, str]] = [
    {
        "id": "t-asml",
        "url": "https://news.example/asml-licences",
        "source": "news.example",
        "published": "2024-01-02",
        "title": "ASML says Dutch licences now cover more DUV immersion tools",
        "text": "ASML said the Dutch government now requires export licences for more of its DUV immersion "
        "lithography tools. The company expects the rules to affect shipments to China. "
        "ASML said it had applied for the licences it needs for 2024.",
    },
    {
        "id": "t-nvidia",
        "url": "https://wire.example/nvidia-h20",
        "source": "wire.example",
        "published": "2024-05-10",
        "title": "Nvidia readies H20 chip for China after US export rules",
        "text": "Nvidia is preparing the H20 accelerator for customers in China. The chip was designed to "
        "comply with the US export rules announced in October 2023. Analysts said demand for the H20 was uncertain.",
    },
    {
        "id": "t-smic",
        "url": "https://daily.example/smic-7nm",
        "source": "daily.example",
        "published": "2023-09-05",
        "title": "SMIC makes 7nm chip for Huawei phone, teardown shows",
        "text": "A teardown of the Huawei Mate 60 Pro found a 7nm processor made by SMIC. The finding raised "
        "questions about how well US sanctions limit China's chipmaking. Huawei did not comment.",
    },
    {
        "id": "t-hostile",
        "url": "https://odd.example/tariff",
        "source": "odd.example",
        "published": "2024-03-01",
        "title": f"Tariff notice {HOSTILE}",
        "text": f"The tariff notice on gallium exports said {HOSTILE} and nothing else about gallium. "
        "China restricted gallium and germanium exports from August 2023 with licence requirements.",
    },
]
NEW_ARTICLE = {
    "id": "t-tsmc",
    "url": "https://fresh.example/tsmc-arizona",
    "source": "fresh.example",
    "published": "2025-02-01",
    "title": "TSMC starts volume production at its Arizona fab",
    "text": "TSMC began volume production of 4nm chips at its first Arizona fab. The plant received "
    "US CHIPS Act grants. TSMC said yields in Arizona matched those in Taiwan.",
}


def write_jsonl(path: Path, records: Sequence[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def build_index(data_dir: Path, records: Sequence[dict[str, str]] = ARTICLES) -> Index:
    from corpus.pipeline import ingest
    from corpus.store import open_store
    from index.builder import update_index

    data_dir.mkdir(parents=True, exist_ok=True)
    embedder = make_embedder("hash-test", "hash")
    with open_store(data_dir) as store:
        ingest([str(write_jsonl(data_dir / "seed.jsonl", records))], store)
        update_index(data_dir, store, embedder)
    return Index.open(data_dir, embedder)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    env: simcord.Env
    bot: ChipBot
    guild: Any
    channel: Any
    alice: Any
    bob: Any

    @property
    def services(self) -> Services:
        return self.bot.services


def make_services(data_dir: Path, index: Index, clock: FakeClock | None = None, **overrides: Any) -> Services:
    values: dict[str, Any] = {
        "answerer": Answerer(index),
        "search": index,
        "feedback": FeedbackStore.open(data_dir),
        "conversations": Conversations(),
        "cooldown": Cooldown(rate=3, per=60, clock=clock or FakeClock()),
        "workers": WorkerPool(max_workers=2, max_queue=32),
        "admin_ids": frozenset(),
        "limits": Limits(max_question_chars=300),
    }
    values.update(overrides)
    return Services(**values)


@asynccontextmanager
async def running(services: Services, **options: Any) -> AsyncIterator[World]:
    bot = ChipBot(services)
    try:
        async with simcord.run(bot, **options) as env:
            await sync_tree(bot)
            guild = env.create_guild()
            channel = guild.create_text_channel("general")
            alice = guild.add_member(env.create_user("alice"))
            bob = guild.add_member(env.create_user("bob"))
            yield World(env, bot, guild, channel, alice, bob)
    finally:
        services.feedback.close()
