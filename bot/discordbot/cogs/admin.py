"""/ingest, /refresh and /stats, for chipbot admins only.

Hidden from ordinary members with default permissions, and *checked* on every call: the user must
be listed in CHIPBOT_ADMIN_IDS or be an administrator of the server the command runs in (server
owners can re-grant commands to anyone in Server Settings, so the default alone is not enough).
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.discordbot.client import ChipBot
from bot.discordbot.options import URL_CHARS, UrlOption, echo, too_long
from bot.discordbot.render import clip
from bot.discordbot.replies import Reply, services_of
from bot.service.coverage import coverage, describe_coverage
from bot.service.refresh import RefreshResult

log = logging.getLogger(__name__)

NO_REFRESHER = "Refreshing is not configured for this bot."


class NotAdmin(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__("Only chipbot admins (CHIPBOT_ADMIN_IDS) or server administrators can use this command.")


def is_admin(interaction: discord.Interaction) -> bool:
    if interaction.user.id in services_of(interaction).admin_ids:
        return True
    return interaction.guild is not None and interaction.permissions.administrator


def admin_only(interaction: discord.Interaction) -> bool:
    if not is_admin(interaction):
        log.warning("refused admin command for user %s", interaction.user.id)
        raise NotAdmin()
    return True


def describe_refresh(result: RefreshResult) -> str:
    outcome = result.outcome
    kept_out = f", kept out {outcome.rejected} off-topic (`chipbot articles --rejected`)" if outcome.rejected else ""
    lines = [f"Added {outcome.added}, updated {outcome.updated}{kept_out} in {result.seconds:.1f} s."]
    lines.append("The new index is live." if result.swapped else "The index did not change.")
    if result.error:
        lines.append(f"Failed: {echo(result.error, 400)}")
    lines += [f"• {echo(failure, 160)}" for failure in outcome.failed[:10]]
    return clip("\n".join(lines), 1900)


class Admin(commands.Cog):
    def __init__(self, bot: ChipBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return admin_only(interaction)

    @app_commands.command(name="ingest")
    @app_commands.default_permissions(administrator=True)
    @app_commands.describe(url="An article page or an RSS/Atom feed to add to the index")
    async def ingest(self, interaction: discord.Interaction, url: UrlOption) -> None:
        """Add one article (or feed) by URL and make it searchable right away."""
        reply = Reply.of(interaction)
        if refusal := too_long("url", url, URL_CHARS):
            await reply.private(refusal)
            return
        if not url.startswith(("http://", "https://")):
            await reply.private("Please give an http(s) URL.")
            return
        if self.services.refresher is None:
            await reply.private(NO_REFRESHER)
            return
        await reply.thinking(private=True)
        result = await self.services.refresher.ingest_url(url)
        await reply.private(describe_refresh(result))

    @app_commands.command(name="refresh")
    @app_commands.default_permissions(administrator=True)
    async def refresh(self, interaction: discord.Interaction) -> None:
        """Poll the news feeds now and swap in the updated index."""
        reply = Reply.of(interaction)
        if self.services.refresher is None:
            await reply.private(NO_REFRESHER)
            return
        await reply.thinking(private=True)
        result = await self.services.refresher.refresh_now()
        await reply.private(describe_refresh(result))

    @app_commands.command(name="stats")
    @app_commands.default_permissions(administrator=True)
    async def stats(self, interaction: discord.Interaction) -> None:
        """Index size, feedback counts, worker load and the last refresh."""
        reply = Reply.of(interaction)
        await reply.thinking(private=True)
        services = self.services
        cov = await services.workers.run(lambda: coverage(services.search.outlets()))
        feedback = await services.workers.run(services.feedback.summary, 5)
        lines = [describe_coverage(cov)]
        lines.append(f"Answers shown: {feedback.answers} · 👍 {feedback.up} · 👎 {feedback.down}")
        lines.append(f"Abstentions: {sum(count for _, count in feedback.abstained)} (see `chipbot feedback`)")
        lines.append(f"Worker jobs in flight: {services.workers.pending}")
        if services.refresher is not None and (last := services.refresher.status().last) is not None:
            lines.append(f"Last refresh: {last.finished:%Y-%m-%d %H:%M} UTC, +{last.outcome.added} articles")
        await reply.private(clip("\n".join(lines), 1900))


async def setup(bot: ChipBot) -> None:
    await bot.add_cog(Admin(bot))
