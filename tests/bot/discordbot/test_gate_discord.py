"""The topic gate in Discord: /ingest url bypasses it (its score still recorded), /refresh reports
what it kept out, /sources shows per feed how many items were admitted and kept out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.service.refresh import IndexUpdater, Refresher, UpdateOutcome
from corpus.gate.ledger import FeedCounts, GateLedger
from corpus.store import open_store
from tests.bot.discord_world import NEW_ARTICLE, build_index, make_services, running, write_jsonl
from tests.bot.discordbot.test_admin import command_id, embed_text
from tests.corpus.gate_fakes import WordGate

FEEDS = ["https://feeds.example/tech.xml", "https://feeds.example/policy.xml"]


@pytest.fixture
def index(data_dir: Path):
    return build_index(data_dir)


async def test_ingest_url_bypasses_a_gate_that_would_reject_it(data_dir: Path, index, tmp_path: Path) -> None:
    strict = WordGate(threshold=1.0)  # would keep everything out
    real = IndexUpdater(data_dir, index.embedder, gate=strict)
    new_file = write_jsonl(tmp_path / "page.jsonl", [NEW_ARTICLE])

    def update(sources: Sequence[str], feeds: Sequence[str]) -> UpdateOutcome:
        return real([str(new_file)], [])  # offline, the URL's article comes from a file

    services = make_services(data_dir, index)
    # check_s=0: SimCord settles only while no timer is due; the watcher is tested apart (test_swap.py)
    services.refresher = Refresher(update, index, on_swap=[services.answerer.refresh], check_s=0)
    async with running(services) as w:
        services.admin_ids = frozenset({w.alice.id})
        w.guild.set_command_permissions(await command_id(w.bot, "ingest"), {w.alice: True})
        done = await w.alice.slash(w.channel, "ingest", url=NEW_ARTICLE["url"])
        assert "Added 1" in done.response.content and "kept out" not in done.response.content
    assert strict.asked == [NEW_ARTICLE["title"]]
    with open_store(data_dir) as store:
        decision = GateLedger(store).decision(NEW_ARTICLE["url"])
    assert decision is not None and decision.admitted and decision.reason == "bypass" and decision.score is not None


async def test_refresh_and_sources_show_what_the_gate_kept_out_per_feed(data_dir: Path, index) -> None:
    counts = [FeedCounts(FEEDS[0], 2, 5)]
    services = make_services(data_dir, index)
    services.refresher = Refresher(
        lambda s, f: UpdateOutcome(added=1, rejected=4), index, feeds=FEEDS, counts=lambda: counts, check_s=0
    )
    async with running(services) as w:
        services.admin_ids = frozenset({w.alice.id})
        w.guild.set_command_permissions(await command_id(w.bot, "refresh"), {w.alice: True})
        refreshed = await w.alice.slash(w.channel, "refresh")
        assert "Added 1, updated 0, kept out 4 off-topic" in refreshed.response.content
        sources = await w.bob.slash(w.channel, "sources")
        text = embed_text(sources.response)
        assert f"{FEEDS[0]}: 2 admitted / 5 kept out" in text
        assert f"{FEEDS[1]}: nothing read yet" in text
        assert "+1 articles, 4 kept out as off-topic" in text
