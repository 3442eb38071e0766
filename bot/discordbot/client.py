"""The discord.py bot: a ``commands.Bot`` whose collaborators are passed in, with cogs for each surface.

Intents are the non-privileged defaults: slash commands, DMs and messages that mention the bot all
arrive without the message-content intent. Commands are synced only by ``chipbot sync``.
:class:`ShardedChipBot` is the same bot on discord.py's ``AutoShardedBot`` (see ``CHIPBOT_SHARDING``).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.buttons import MoreSourcesButton, VoteButton
from bot.discordbot.render import NO_MENTIONS
from bot.discordbot.replies import Reply
from bot.service.collaborators import Services

log = logging.getLogger(__name__)

COGS = (
    "bot.discordbot.cogs.ask",
    "bot.discordbot.cogs.browse",
    "bot.discordbot.cogs.admin",
    "bot.discordbot.cogs.messages",
    "bot.discordbot.cogs.help",
    "bot.discordbot.cogs.follow",
    "bot.discordbot.cogs.timeline",
)


class ChipTree(app_commands.CommandTree):
    """Turns every command error into a short ephemeral message plus a logged traceback."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        reply = Reply.of(interaction)
        if isinstance(error, app_commands.CheckFailure):
            await reply.private(str(error) or "You can't use this command here.")
            return
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        name = interaction.command.qualified_name if interaction.command else "?"
        await reply.failed(original, f"command /{name}")


class ChipBot(commands.Bot):
    """The Discord bot: its collaborators come in, nothing connects until ``start``.

    >>> import tempfile
    >>> from pathlib import Path
    >>> from bot.service.collaborators import Services
    >>> from bot.service.conversations import Conversations
    >>> from bot.service.cooldown import Cooldown
    >>> from bot.service.feedback_store import FeedbackStore
    >>> from bot.service.workers import WorkerPool
    >>> feedback = FeedbackStore.open(Path(tempfile.mkdtemp()))
    >>> services = Services(
    ...     answerer=None, search=None, feedback=feedback, conversations=Conversations(),
    ...     cooldown=Cooldown(), workers=WorkerPool(max_workers=1),
    ... )  # fmt: skip
    >>> bot = ChipBot(services)
    >>> bot.intents.message_content, bot.allowed_mentions.everyone  # no privileged intent, never pings
    (False, False)
    >>> feedback.close()
    """

    def __init__(self, services: Services, *, intents: discord.Intents | None = None, **options: Any) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            tree_cls=ChipTree,
            intents=intents or discord.Intents.default(),
            allowed_mentions=NO_MENTIONS,
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True),
            **options,
        )
        self.services = services

    def gateway_connected(self) -> bool:
        """Ready once, and the gateway connection is open now (False while discord.py reconnects)."""
        ws = self.ws
        return not self.is_closed() and self.is_ready() and ws is not None and ws.open

    async def setup_hook(self) -> None:
        for name in COGS:
            await self.load_extension(name)
        self.add_dynamic_items(VoteButton, MoreSourcesButton)  # the buttons under answers, across restarts
        log.info("loaded %d cogs, %d application commands", len(COGS), len(self.tree.get_commands()))
        if self.services.refresher is not None:
            self.services.refresher.start()

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: messages are handled by the messages cog's listener."""

    async def on_ready(self) -> None:
        log.info("connected as %s (%s) to %d guilds", self.user, getattr(self.user, "id", "?"), len(self.guilds))

    async def on_connect(self) -> None:
        log.info("gateway connected")

    async def on_disconnect(self) -> None:
        log.warning("gateway disconnected; discord.py reconnects on its own")

    async def on_resumed(self) -> None:
        log.info("gateway session resumed")

    async def close(self) -> None:
        log.info("shutting down")
        if self.services.refresher is not None:
            await self.services.refresher.stop()
        await super().close()
        self.services.workers.shutdown(wait=False)


class ShardedChipBot(ChipBot, commands.AutoShardedBot):
    """ChipBot on discord.py's AutoShardedBot: ``shard_count`` (all processes) and ``shard_ids`` (this
    one) come from the settings; with neither, discord.py asks Discord how many shards to run."""

    def gateway_connected(self) -> bool:
        shards = self.shards
        return (
            not self.is_closed()
            and self.is_ready()
            and bool(shards)
            and not any(s.is_closed() for s in shards.values())
        )

    # discord.py also dispatches the unsharded events; log the per-shard ones only.
    async def on_connect(self) -> None:
        pass

    async def on_disconnect(self) -> None:
        pass

    async def on_resumed(self) -> None:
        pass

    async def on_shard_connect(self, shard_id: int) -> None:
        log.info("gateway connected (shard %d)", shard_id)

    async def on_shard_disconnect(self, shard_id: int) -> None:
        log.warning("gateway disconnected (shard %d); discord.py reconnects on its own", shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        log.info("gateway session resumed (shard %d)", shard_id)

    async def on_shard_ready(self, shard_id: int) -> None:
        log.info("shard %d ready", shard_id)
