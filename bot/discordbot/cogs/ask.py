"""/ask and the "Ask chipbot" message menu: a cited answer with its buttons."""

from __future__ import annotations

import logging
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.buttons import answer_view
from bot.discordbot.client import ChipBot
from bot.discordbot.options import (
    SOURCE_CHARS,
    QuestionOption,
    SinceOption,
    SourceOption,
    bad_option,
    question_text,
    too_long,
)
from bot.discordbot.render import render_answer
from bot.discordbot.replies import BUSY_TEXT, Reply
from bot.service.asking import Asker, BadOption, Question, parse_since
from bot.service.workers import Busy

log = logging.getLogger(__name__)


class Ask(commands.Cog):
    def __init__(self, bot: ChipBot) -> None:
        self.bot = bot
        self.asker = Asker(bot.services)
        self.menu = app_commands.ContextMenu(name="Ask chipbot", callback=self.ask_about_message)
        bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(name="ask")
    @app_commands.describe(
        question="Your question, e.g. 'What did ASML say about export licences?'",
        since="Only use articles from this date (2025-03-01) or this recent (30d, 2w, 6m)",
        source="Only use this outlet, e.g. reuters.com",
        private="Only you see the answer",
    )
    async def ask(
        self,
        interaction: discord.Interaction,
        question: QuestionOption,
        since: SinceOption | None = None,
        source: SourceOption | None = None,
        private: bool = False,
    ) -> None:
        """Ask about chip-trade news; the answer quotes and links the articles it comes from."""
        await self.respond(interaction, question, since=since, source=source, private=private)

    async def ask_about_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Answer a question about the selected message's text."""
        await self.respond(interaction, message.content, private=True)

    async def respond(
        self,
        interaction: discord.Interaction,
        text: str,
        *,
        since: str | None = None,
        source: str | None = None,
        private: bool = False,
    ) -> None:
        reply = Reply.of(interaction)
        try:
            since_date = parse_since(since, date.today())
        except BadOption as exc:
            await reply.private(bad_option(exc))
            return
        refusal = too_long("source", source, SOURCE_CHARS) or self.asker.refusal(interaction.user.id, text)
        if refusal:
            await reply.private(refusal)
            return
        await reply.thinking(private=private)
        channel_id = interaction.channel_id or interaction.user.id
        sources = [source.strip().lower()] if source and source.strip() else None
        try:
            asked = await self.asker.ask(
                Question(question_text(text), interaction.user.id, channel_id, since_date, sources)
            )
        except Busy:
            await reply.private(BUSY_TEXT)
            return
        view = answer_view(asked.answer_id, abstained=asked.answer.abstained)
        await reply.send(render_answer(asked.answer), view=view, private=private)


async def setup(bot: ChipBot) -> None:
    await bot.add_cog(Ask(bot))
