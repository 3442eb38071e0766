"""/follow, /unfollow and /following: channel alerts for new stories on a topic.

Following and unfollowing need Manage Channels in the channel, or being a chipbot admin; listing
is open to everyone. The cog also runs the follow loop (bot.service.following.service) with a
Discord poster, and removes the follows of a channel that is deleted.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.answering.compose import date_label, topic_label
from bot.discordbot.alerts import DiscordPoster
from bot.discordbot.client import ChipBot
from bot.discordbot.options import SOURCE_CHARS, TOPIC_CHARS, SourceOption, TopicOption, too_long
from bot.discordbot.render import clip, escape
from bot.discordbot.replies import Reply, services_of
from bot.service.following import types as following
from bot.service.following.matching import already_covered
from bot.service.following.types import DIGEST, EACH, FollowError
from bot.service.workers import Busy

log = logging.getLogger(__name__)

NOT_OFFERED = "Follows are not enabled on this bot."
NEEDED = ("view_channel", "send_messages", "embed_links")
PREVIEW = 3  # stories already indexed that a new follow's reply names


class NotChannelManager(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__("Only members who can manage the channel (or chipbot admins) can change its follows.")


def can_manage(interaction: discord.Interaction, channel: discord.abc.GuildChannel | None = None) -> bool:
    if interaction.user.id in services_of(interaction).admin_ids:
        return True
    if channel is not None and isinstance(interaction.user, discord.Member):
        return channel.permissions_for(interaction.user).manage_channels
    return interaction.guild is not None and interaction.permissions.manage_channels


def channel_manager(interaction: discord.Interaction) -> bool:
    if not can_manage(interaction):
        raise NotChannelManager()
    return True


class Follow(commands.Cog):
    def __init__(self, bot: ChipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self._rounds: tasks.Loop | None = None
        self._kicks: set[asyncio.Task[None]] = set()  # rounds started by wake(), kept until done

    async def cog_load(self) -> None:
        follows = self.services.follows
        if follows is None:
            return
        delivery = follows.delivery(DiscordPoster(self.bot))
        loop = asyncio.get_running_loop()

        async def round_() -> None:
            try:
                await follows.step(delivery)
            except Exception:
                log.exception("follow round failed; the next one retries")

        def start_round() -> None:
            task = loop.create_task(round_())
            self._kicks.add(task)
            task.add_done_callback(self._kicks.discard)

        def kick() -> None:  # after a refresh, from the refresher's thread
            loop.call_soon_threadsafe(start_round)

        self._rounds = tasks.loop(seconds=follows.poll_s)(round_)
        self._rounds.before_loop(self.bot.wait_until_ready)
        self._rounds.start()  # the first round's delivery is the recovery pass
        follows.on_wake = kick

    async def cog_unload(self) -> None:
        if self.services.follows is not None:
            self.services.follows.on_wake = None
        if self._rounds is not None:
            self._rounds.cancel()

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        if self.services.follows is not None:
            removed = self.services.follows.store.remove_channel(channel.id)
            if removed:
                log.info("channel %s deleted: removed its %d follows", channel.id, removed)

    @app_commands.command(name="follow")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.check(channel_manager)
    @app_commands.describe(
        topic="What to follow, e.g. 'Nexperia' or 'export licences for ASML'",
        channel="Where to post (default: here)",
        source="Only stories from this outlet, e.g. reuters.com",
        mode="Each story as it comes, or one weekly digest",
        role="A role to mention in each post (otherwise nobody is pinged)",
    )
    @app_commands.choices(
        mode=[
            app_commands.Choice(name="each story", value=EACH),
            app_commands.Choice(name="weekly digest", value=DIGEST),
        ]
    )
    async def follow(
        self,
        interaction: discord.Interaction,
        topic: TopicOption,
        channel: discord.TextChannel | None = None,
        source: SourceOption | None = None,
        mode: str = EACH,
        role: discord.Role | None = None,
    ) -> None:
        """Post new stories on a topic to a channel as they are added to the index."""
        reply = Reply.of(interaction)
        follows = self.services.follows
        if follows is None:
            await reply.private(NOT_OFFERED)
            return
        if refusal := too_long("topic", topic, TOPIC_CHARS) or too_long("source", source, SOURCE_CHARS):
            await reply.private(refusal)
            return
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel):
            await reply.private("Pick a text channel for the alerts.")
            return
        if channel is not None and not can_manage(interaction, target):
            await reply.private(f"You need Manage Channels in {target.mention} to add follows there.")
            return
        mine = target.permissions_for(target.guild.me)
        missing = [p.replace("_", " ") for p in NEEDED if not getattr(mine, p)]
        if missing:
            await reply.private(f"I can't post in {target.mention}: I need {', '.join(missing)} there.")
            return
        try:
            stored, created = follows.store.add_follow(
                guild_id=target.guild.id,
                channel_id=target.id,
                topic=topic,
                created_by=interaction.user.id,
                source=source,
                mode=mode,
                role_id=role.id if role else None,
            )
        except FollowError as exc:
            await reply.private(str(exc))
            return
        how = "a weekly digest of" if stored.mode == DIGEST else "each new story on"
        outlet = f" from {escape(stored.source)}" if stored.source else ""
        ping = f", mentioning {role.mention}" if role else ""
        verb = "will post" if created else "now posts"
        said = clip(f"{target.mention} {verb} {how} “{escape(stored.topic)}”{outlet}{ping}.", 1200)
        await reply.private(said + " Stories already in the index are not posted." + await self._covered(reply, stored))

    async def _covered(self, reply: Reply, follow: following.Follow) -> str:
        """What the follow would have posted from the index as it stands: how many stories and the
        latest few, or a hint to reword it when none clears the floor ("" without timelines)."""
        timelines = self.services.timelines
        if timelines is None:
            return ""
        await reply.thinking(private=True)
        try:
            found = await self.services.workers.run(timelines.relevant, follow.topic)
        except Busy:
            return ""
        except Exception:  # the follow is stored already: a failed preview must not look like a failed follow
            log.exception("could not list the stories already covered by %r", follow.topic)
            return ""
        stories = already_covered(found, follow.source)
        if not stories:
            outlet = f" (from {escape(follow.source)})" if follow.source else ""
            return (
                f" None of them would have been{outlet}: if that is a surprise, try other words for the topic "
                "(`/timeline` shows what a wording matches)."
            )
        named = "; ".join(
            f"“{clip(escape(topic_label(a)), 90)}” ({escape(a.source)}, {date_label(a)})" for a in stories[:PREVIEW]
        )
        if len(stories) == 1:
            return f" It would have posted 1 story already there: {named}."
        return f" It would have posted {len(stories)} stories already there; the latest: {named}."

    @app_commands.command(name="unfollow")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.check(channel_manager)
    @app_commands.describe(topic="The followed topic to stop", channel="Which channel (default: here)")
    async def unfollow(
        self, interaction: discord.Interaction, topic: TopicOption, channel: discord.TextChannel | None = None
    ) -> None:
        """Stop posting a followed topic to a channel."""
        reply = Reply.of(interaction)
        if self.services.follows is None:
            await reply.private(NOT_OFFERED)
            return
        if refusal := too_long("topic", topic, TOPIC_CHARS):
            await reply.private(refusal)
            return
        target_id = channel.id if channel else interaction.channel_id or 0
        removed = self.services.follows.store.remove_follow(target_id, topic)
        if removed:
            await reply.private(f"Stopped following “{clip(escape(topic), 200)}” in <#{target_id}>.")
        else:
            await reply.private(f"<#{target_id}> does not follow “{clip(escape(topic), 200)}”; see /following.")

    @unfollow.autocomplete("topic")
    async def unfollow_topics(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if self.services.follows is None:
            return []
        topics = {f.topic for f in self.services.follows.store.follows(interaction.channel_id)}
        return [
            app_commands.Choice(name=t[:100], value=t[:100]) for t in sorted(topics) if current.lower() in t.lower()
        ][:25]

    @app_commands.command(name="following")
    @app_commands.guild_only()
    @app_commands.describe(channel="Which channel (default: here)")
    async def following(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        """The topics this channel follows."""
        reply = Reply.of(interaction)
        if self.services.follows is None:
            await reply.private(NOT_OFFERED)
            return
        target_id = channel.id if channel else interaction.channel_id or 0
        follows = self.services.follows.store.follows(target_id)
        if not follows:
            await reply.private(f"<#{target_id}> follows no topics. Add one with /follow.")
            return
        lines = [f"<#{target_id}> follows:"]
        for f in follows:
            details = ["weekly digest" if f.mode == DIGEST else "each story"]
            if f.source:
                details.append(f"from {escape(f.source)}")
            if f.role_id:
                details.append(f"mentions <@&{f.role_id}>")
            if f.paused:
                details.append(f"**paused** ({escape(f.paused)})")
            lines.append(f"• “{escape(f.topic)}”: {', '.join(details)}")
        await reply.private(clip("\n".join(lines), 1900))


async def setup(bot: ChipBot) -> None:
    await bot.add_cog(Follow(bot))
