"""Direct messages and mentions: every DM is a question, and in servers a mention is answered as a reply.

Neither needs the privileged message-content intent: Discord always delivers the content of DMs
and of messages that mention the bot.
"""

from __future__ import annotations

import logging
import re
import traceback

import discord
from discord.ext import commands

from bot.discordbot.buttons import answer_view
from bot.discordbot.client import ChipBot
from bot.discordbot.options import question_text
from bot.discordbot.render import NO_MENTIONS, render_answer
from bot.discordbot.replies import BUSY_TEXT, ERROR_TEXT
from bot.service.asking import Asker, Question
from bot.service.workers import Busy

log = logging.getLogger(__name__)


class Messages(commands.Cog):
    def __init__(self, bot: ChipBot) -> None:
        self.bot = bot
        self.asker = Asker(bot.services)

    def question_in(self, message: discord.Message) -> str | None:
        """The question a message asks the bot, or None when it is not addressed to the bot."""
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        if message.guild is None:
            return message.content.strip()
        if not any(user.id == me.id for user in message.mentions):
            return None
        return re.sub(rf"<@!?{me.id}>", " ", message.content).strip()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        text = self.question_in(message)
        if text is None:
            return
        refusal = self.asker.refusal(message.author.id, text)
        if refusal:
            await message.reply(refusal, mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        try:
            async with message.channel.typing():
                asked = await self.asker.ask(Question(question_text(text), message.author.id, message.channel.id))
            rendered = render_answer(asked.answer)
            view = answer_view(asked.answer_id, abstained=asked.answer.abstained)
            await message.reply(**rendered.kwargs(), view=view, mention_author=False)
        except Busy:
            await message.reply(BUSY_TEXT, mention_author=False, allowed_mentions=NO_MENTIONS)
        except Exception as exc:
            log.error("answering message %s failed:\n%s", message.id, "".join(traceback.format_exception(exc)))
            await message.reply(ERROR_TEXT, mention_author=False, allowed_mentions=NO_MENTIONS)


async def setup(bot: ChipBot) -> None:
    await bot.add_cog(Messages(bot))
