"""Admin commands behind a real permission check, and a refresh that swaps the index generation
while questions keep being answered."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import discord
import pytest

from bot.discordbot.cogs.admin import NotAdmin
from bot.service.refresh import IndexUpdater, Refresher, UpdateOutcome
from tests.bot.discord_world import NEW_ARTICLE, build_index, make_services, running, write_jsonl

TSMC = "Did TSMC start volume production in Arizona?"


@pytest.fixture
def index(data_dir: Path):
    return build_index(data_dir)


def embed_text(message) -> str:
    embed = message.embeds[0]
    return "\n".join([embed.title or "", embed.description or "", *(f.value for f in embed.fields)])


async def command_id(bot, name: str) -> int:
    return next(c.id for c in await bot.tree.fetch_commands() if c.name == name)


async def test_admin_command_refused_for_a_non_admin_even_when_granted_in_the_server(data_dir: Path, index) -> None:
    calls: list[str] = []

    class CountingRefresher(Refresher):
        async def refresh_now(self):
            calls.append("refresh")
            return await super().refresh_now()

    refresher = CountingRefresher(lambda s, f: UpdateOutcome(), index, check_s=0)
    async with running(make_services(data_dir, index, refresher=refresher)) as w:
        # hidden by default permissions; a server owner can still grant it to anyone:
        w.guild.set_command_permissions(await command_id(w.bot, "refresh"), {w.bob: True})
        refused = await w.bob.slash(w.channel, "refresh")
        assert refused.ephemeral
        assert "Only chipbot admins" in refused.response.content
        assert calls == []
        assert [type(e).__name__ for e in w.env.errors] == [NotAdmin.__name__]  # extensions load their own module copy


async def test_admins_by_id_or_server_administrator_can_use_admin_commands(data_dir: Path, index) -> None:
    services = make_services(data_dir, index)
    async with running(services) as w:
        services.admin_ids = frozenset({w.alice.id})
        w.guild.set_command_permissions(await command_id(w.bot, "stats"), {w.alice: True})
        stats = await w.alice.slash(w.channel, "stats")
        assert stats.ephemeral and "4 articles from 4 outlets" in stats.response.content
        assert "Answers shown: 0" in stats.response.content

        admins = w.guild.create_role("Admins", permissions=discord.Permissions(administrator=True))
        carol = w.guild.add_member(w.env.create_user("carol"), roles=[admins])
        assert "4 articles" in (await carol.slash(w.channel, "stats")).response.content


class GatedUpdater:
    """The real ingest + index update, which then holds (new generation on disk, not yet served)
    until the test lets it finish, so questions can be answered in between."""

    def __init__(self, data_dir: Path, embedder, new_file: Path) -> None:
        self.real = IndexUpdater(data_dir, embedder)
        self.new_file = new_file
        self.written = threading.Event()
        self.release = threading.Event()

    def __call__(self, sources: Sequence[str], feeds: Sequence[str]) -> UpdateOutcome:
        outcome = self.real([str(self.new_file)], [])
        self.written.set()
        assert self.release.wait(10), "the test never released the refresh"
        return outcome


async def test_refresh_swaps_the_index_while_questions_are_answered(data_dir: Path, index, tmp_path: Path) -> None:
    updater = GatedUpdater(data_dir, index.embedder, write_jsonl(tmp_path / "new.jsonl", [NEW_ARTICLE]))
    services = make_services(data_dir, index)
    services.refresher = Refresher(
        updater,
        index,
        feeds=["https://feeds.example/chips.xml"],
        interval_s=0,
        on_swap=[services.answerer.refresh],
        check_s=0,  # SimCord settles between steps only while no timer is due: the watcher is tested apart
    )
    async with running(services) as w:
        before = await w.alice.slash(w.channel, "ask", question=TSMC)
        assert "fresh.example" not in embed_text(before.response)

        refreshing = asyncio.create_task(services.refresher.refresh_now())
        await asyncio.to_thread(updater.written.wait, 10)
        during = []
        for who in (w.bob, w.alice):  # answered from the old generation while the refresh is in flight
            during.append(await who.slash(w.channel, "ask", question="What did the SMIC teardown show?"))
        assert all("smic-7nm" in embed_text(r.response) for r in during)
        assert services.refresher.status().running

        updater.release.set()
        result = await asyncio.wait_for(refreshing, 10)
        assert result.swapped and result.outcome.added == 1 and result.error is None

        after = await w.bob.slash(w.channel, "ask", question=TSMC)
        assert "fresh.example/tsmc-arizona" in embed_text(after.response)
        sources = await w.bob.slash(w.channel, "sources")
        text = embed_text(sources.response) + "".join(f.name for f in sources.response.embeds[0].fields)
        assert "5 articles from 5 outlets" in text and "fresh.example" in text and "+1 articles" in text


async def test_ingest_url_adds_the_page_and_reports(data_dir: Path, index, tmp_path: Path) -> None:
    seen: list[list[str]] = []
    real = IndexUpdater(data_dir, index.embedder)
    new_file = write_jsonl(tmp_path / "page.jsonl", [NEW_ARTICLE])

    def update(sources: Sequence[str], feeds: Sequence[str]) -> UpdateOutcome:
        seen.append(list(sources))  # the URL would be fetched; offline, its article comes from a file
        return real([str(new_file)], [])

    services = make_services(data_dir, index)
    services.refresher = Refresher(update, index, on_swap=[services.answerer.refresh], check_s=0)
    async with running(services) as w:
        services.admin_ids = frozenset({w.alice.id})
        w.guild.set_command_permissions(await command_id(w.bot, "ingest"), {w.alice: True})
        bad = await w.alice.slash(w.channel, "ingest", url="ftp://nope")
        assert "http(s) URL" in bad.response.content and seen == []

        done = await w.alice.slash(w.channel, "ingest", url="https://fresh.example/tsmc-arizona")
        assert done.ephemeral and "Added 1" in done.response.content and "new index is live" in done.response.content
        assert seen == [["https://fresh.example/tsmc-arizona"]]
        assert "tsmc-arizona" in embed_text((await w.bob.slash(w.channel, "ask", question=TSMC)).response)
