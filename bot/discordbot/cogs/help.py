"""/help and /about. The help text is the commands' own docstrings, so it cannot drift."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.client import ChipBot
from bot.discordbot.render import Rendered
from bot.discordbot.replies import Reply

ABOUT = (
    "**chipbot** answers questions about chip-trade news (export controls, licences, tariffs, "
    "sanctions, fabs; Nvidia, ASML, TSMC, Huawei, SMIC…) with short answers built from verbatim, "
    "numbered quotes of real articles, each linked to its outlet and date. When the articles don't "
    "cover a question, it says so instead of guessing.\n\n"
    "Ask with `/ask`, by direct message, or by mentioning me in a server. Use the 👍/👎 buttons to "
    "tell the maintainers how an answer did."
)
ADMIN_COMMANDS = {"ingest", "refresh", "stats"}


class Help(commands.Cog):
    def __init__(self, bot: ChipBot) -> None:
        self.bot = bot

    def help_text(self) -> str:
        lines = []
        for command in sorted(self.bot.tree.get_commands(), key=lambda c: c.name):
            if isinstance(command, app_commands.Command) and command.name not in ADMIN_COMMANDS:
                lines.append(f"**/{command.name}**: {command.description}")
                lines += [f"  · `{p.name}`: {p.description}" for p in command.parameters]
            elif isinstance(command, app_commands.ContextMenu):
                lines.append(f"**{command.name}** (right-click a message › Apps): answers about that message")
        lines.append("\nDirect messages: any message is a question; follow-ups keep their context.")
        lines.append("In servers: mention me with your question and I'll reply.")
        return "\n".join(lines)

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """How to use chipbot: the commands and their options."""
        embed = discord.Embed(title="chipbot help", description=self.help_text()[:4096], colour=discord.Colour.teal())
        await Reply.of(interaction).send(Rendered(embeds=[embed]), private=True)

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction) -> None:
        """What chipbot is and where its answers come from."""
        embed = discord.Embed(title="About chipbot", description=ABOUT, colour=discord.Colour.teal())
        await Reply.of(interaction).send(Rendered(embeds=[embed]), private=True)


async def setup(bot: ChipBot) -> None:
    await bot.add_cog(Help(bot))
