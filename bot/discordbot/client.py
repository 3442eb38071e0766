"""The discord.py bot: a ``commands.Bot`` whose collaborators are passed in, with cogs for each surface.

Intents are the non-privileged defaults: slash commands, DMs and messages that mention the bot all
arrive without the message-content intent. Commands are synced only by ``chipbot sync``.
"""

from __future__ import annotations

import logging
import traceback

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.render import NO_MENTIONS
from bot.service.collaborators import Services

log = logging.getLogger(__name__)

COGS = (
    "bot.discordbot.cogs.ask",
    "bot.discordbot.cogs.browse",
    "bot.discordbot.cogs.admin",
    "bot.discordbot.cogs.feedback",
    "bot.discordbot.cogs.messages",
    "bot.discordbot.cogs.help",
)
ERROR_TEXT = "Sorry, something went wrong while answering. It has been logged; please try again."


async def defer(interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
    """Acknowledge at once with a "thinking…" placeholder (Discord allows 3 s; answers take longer)."""
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    interaction.extras["public_placeholder"] = not ephemeral


def mark_answered(interaction: discord.Interaction) -> None:
    """The placeholder now holds the real response."""
    interaction.extras["public_placeholder"] = False


async def reply_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Send a short private message, whether or not the interaction was already acknowledged.

    A public "thinking…" placeholder fixes the visibility of the first followup, so it is completed
    and deleted first; the message then goes out as a fresh ephemeral followup.
    """
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    if interaction.extras.get("public_placeholder"):
        mark_answered(interaction)
        try:
            await interaction.edit_original_response(content="…")
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.warning("could not remove the public placeholder", exc_info=True)
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def report_failure(interaction: discord.Interaction, error: BaseException, what: str) -> None:
    """Log the traceback and tell the user briefly: never a silent "This interaction failed"."""
    log.error("%s failed for user %s:\n%s", what, interaction.user.id, "".join(traceback.format_exception(error)))
    try:
        await reply_ephemeral(interaction, ERROR_TEXT)
    except discord.HTTPException:
        log.exception("could not tell the user about the error")


class ChipTree(app_commands.CommandTree):
    """Turns every command error into a short ephemeral message plus a logged traceback."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        if isinstance(error, app_commands.CheckFailure):
            await reply_ephemeral(interaction, str(error) or "You can't use this command here.")
            return
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        name = interaction.command.qualified_name if interaction.command else "?"
        await report_failure(interaction, original, f"command /{name}")


class ChipBot(commands.Bot):
    def __init__(self, services: Services, *, intents: discord.Intents | None = None) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            tree_cls=ChipTree,
            intents=intents or discord.Intents.default(),
            allowed_mentions=NO_MENTIONS,
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
        )
        self.services = services

    async def setup_hook(self) -> None:
        for name in COGS:
            await self.load_extension(name)
        log.info("loaded %d cogs, %d application commands", len(COGS), len(self.tree.get_commands()))
        if self.services.refresher is not None:
            self.services.refresher.start()

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: messages are handled by the messages cog's listener."""

    async def on_ready(self) -> None:
        log.info("connected as %s (%s) to %d guilds", self.user, getattr(self.user, "id", "?"), len(self.guilds))

    async def close(self) -> None:
        log.info("shutting down")
        if self.services.refresher is not None:
            await self.services.refresher.stop()
        await super().close()
        self.services.workers.shutdown(wait=False)
