"""/timeline: a chart of a topic's coverage over time, with the same facts in words."""

from __future__ import annotations

import io
import logging
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.client import ChipBot
from bot.discordbot.options import QuestionOption, SinceOption, bad_option
from bot.discordbot.render import COLOUR, MAX_DESCRIPTION, MAX_TITLE, Rendered, clip, escape
from bot.discordbot.replies import BUSY_TEXT, Reply
from bot.service.asking import BadOption, parse_since
from bot.service.chart import render_png
from bot.service.timeline import Timeline
from bot.service.workers import Busy

log = logging.getLogger(__name__)

FILE_NAME = "timeline.png"


def render_timeline(timeline: Timeline) -> Rendered:
    """The embed around the chart; its description is the chart's text summary for screen readers."""
    since = f" since {timeline.since.isoformat()}" if timeline.since else ""
    embed = discord.Embed(
        title=clip(f"Coverage of “{escape(timeline.topic)}”{since}", MAX_TITLE),
        description=clip(escape_lines(timeline.summary), MAX_DESCRIPTION),
        colour=COLOUR,
    )
    embed.set_image(url=f"attachment://{FILE_NAME}")
    embed.set_footer(text="Articles per week by outlet; only articles that clear the /follow relevance floor.")
    return Rendered(embeds=[embed])


def escape_lines(text: str) -> str:
    return "\n".join(escape(line) for line in text.splitlines())


class TimelineCog(commands.Cog, name="Timeline"):
    def __init__(self, bot: ChipBot) -> None:
        self.bot = bot
        self.services = bot.services

    @app_commands.command(name="timeline")
    @app_commands.describe(
        topic="What to chart, e.g. 'Nexperia' or 'gallium export controls'",
        since="Start at this date (2025-03-01) or this long ago (6m, 1y)",
    )
    async def timeline(
        self, interaction: discord.Interaction, topic: QuestionOption, since: SinceOption | None = None
    ) -> None:
        """A chart of how many articles covered a topic each week, by outlet, with the key stories."""
        reply = Reply.of(interaction)
        timelines = self.services.timelines
        if timelines is None:
            await reply.private("Timelines are not enabled on this bot.")
            return
        limit = self.services.limits.max_question_chars
        if not topic.strip() or len(topic) > limit:
            await reply.private(f"Give a topic of at most {limit} characters, e.g. `Nexperia`.")
            return
        try:
            start = parse_since(since, date.today())
        except BadOption as exc:
            await reply.private(bad_option(exc))
            return
        await reply.thinking()

        def build() -> tuple[Timeline, bytes]:
            built = timelines.build(topic, start)
            return built, render_png(built)

        try:
            built, png = await self.services.workers.run(build)
        except Busy:
            await reply.private(BUSY_TEXT)
            return
        await reply.send(render_timeline(built), files=[discord.File(io.BytesIO(png), filename=FILE_NAME)])


async def setup(bot: ChipBot) -> None:
    await bot.add_cog(TimelineCog(bot))
