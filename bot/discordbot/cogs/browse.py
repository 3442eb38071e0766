"""/search (paged with buttons), /latest and /sources: looking around the index without asking."""

from __future__ import annotations

import logging
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.client import ChipBot
from bot.discordbot.options import (
    SOURCE_CHARS,
    TOPIC_CHARS,
    QuestionOption,
    SinceOption,
    SourceOption,
    TopicOption,
    bad_option,
    echo,
    too_long,
)
from bot.discordbot.render import Rendered, render_articles, render_search_page, render_sources
from bot.discordbot.replies import BUSY_TEXT, Reply
from bot.service.asking import BadOption, parse_since
from bot.service.coverage import coverage
from bot.service.workers import Busy
from index.types import Hit

log = logging.getLogger(__name__)


class SearchPager(discord.ui.View):
    """Previous / Next buttons over the passages found; only the person who searched can page."""

    def __init__(self, owner_id: int, query: str, hits: list[Hit], per_page: int, timeout: float = 600) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.query = query
        self.hits = hits
        self.per_page = per_page
        self.page = 0
        self.pages = max(1, -(-len(hits) // per_page))
        self._sync_buttons()

    def render(self) -> Rendered:
        return render_search_page(self.query, self.hits, self.page, self.per_page)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await Reply.of(interaction).private(
                "Only the person who searched can turn these pages; try /search yourself."
            )
            return False
        return True

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await Reply.of(interaction).failed(error, "search pager")

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = min(max(self.page + step, 0), self.pages - 1)
        self._sync_buttons()
        await interaction.response.edit_message(**self.render().kwargs(), view=self)

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, 1)


class Browse(commands.Cog):
    def __init__(self, bot: ChipBot) -> None:
        self.bot = bot
        self.services = bot.services

    @app_commands.command(name="search")
    @app_commands.describe(
        query="Words or a question to look for in the articles",
        since="Only articles from this date (2025-03-01) or this recent (30d, 2w, 6m)",
        source="Only this outlet, e.g. reuters.com",
    )
    async def search(
        self,
        interaction: discord.Interaction,
        query: QuestionOption,
        since: SinceOption | None = None,
        source: SourceOption | None = None,
    ) -> None:
        """Show the article passages that best match your words, a few per page."""
        reply = Reply.of(interaction)
        limits = self.services.limits
        refusal = too_long("query", query, limits.max_question_chars) or too_long("source", source, SOURCE_CHARS)
        if refusal:
            await reply.private(refusal)
            return
        try:
            since_date = parse_since(since, date.today())
        except BadOption as exc:
            await reply.private(bad_option(exc))
            return
        await reply.thinking()
        sources = [source.strip().lower()] if source and source.strip() else None
        try:
            result = await self.services.workers.run(
                self.services.search.search, query, k=limits.search_results, since=since_date, sources=sources
            )
        except Busy:
            await reply.private(BUSY_TEXT)
            return
        pager = SearchPager(interaction.user.id, query, list(result.hits), limits.search_page_size)
        await reply.send(pager.render(), view=pager)

    @app_commands.command(name="latest")
    @app_commands.describe(topic="Only stories about this, e.g. 'Huawei' or 'export licences'")
    async def latest(self, interaction: discord.Interaction, topic: TopicOption | None = None) -> None:
        """The newest stories in the index, with their dates and links."""
        reply = Reply.of(interaction)
        if refusal := too_long("topic", topic, TOPIC_CHARS):
            await reply.private(refusal)
            return
        await reply.thinking()
        topic = topic.strip() if topic and topic.strip() else None
        # The stories on a topic as /follow and /timeline judge them, where those are offered.
        timelines = self.services.timelines
        newest = timelines.latest if timelines is not None else self.services.search.latest
        try:
            articles = await self.services.workers.run(newest, self.services.limits.latest_count, topic)
        except Busy:
            await reply.private(BUSY_TEXT)
            return
        title = f"Latest on {topic}" if topic else "Latest stories"
        empty = f"I have no stories about “{echo(topic)}”." if topic else "No articles indexed yet."
        await reply.send(render_articles(title, list(articles), empty=empty))

    @app_commands.command(name="sources")
    async def sources(self, interaction: discord.Interaction) -> None:
        """The outlets and feeds in the index: article counts, newest dates, the last refresh."""
        reply = Reply.of(interaction)
        await reply.thinking()
        cov = await self.services.workers.run(lambda: coverage(self.services.search.outlets()))
        refresher = self.services.refresher
        status = refresher.status() if refresher else None
        counts = await self.services.workers.run(refresher.feed_counts) if refresher else []
        await reply.send(render_sources(cov, status, counts))


async def setup(bot: ChipBot) -> None:
    await bot.add_cog(Browse(bot))
