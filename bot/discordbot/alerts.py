"""Follow alerts in Discord: how a queued post looks, and the ``Poster`` that sends it.

Every post carries its outbox marker ("ref 123") in the embed footer, so after a restart the
delivery can read the channel and tell whether a post already reached it. Posts never ping,
except a follow's own role, which is then the only mention allowed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import discord

from bot.discordbot.render import (
    COLOUR,
    MAX_DESCRIPTION,
    MAX_TITLE,
    NO_MENTIONS,
    Rendered,
    clip,
    escape,
    fit,
    join_lines,
    safe_url,
)
from bot.service.following.delivery import Poster
from bot.service.following.types import (
    DIGEST_POST,
    STORY,
    SUMMARY,
    DeliveryError,
    MissingAccess,
    Post,
    StoryCard,
    TargetGone,
)

log = logging.getLogger(__name__)

LEAD_CHARS = 350
HISTORY_LIMIT = 200  # messages read back when looking for a post that was perhaps sent


def _when(card: StoryCard) -> str:
    return card.published or "undated"


def _outlet(card: StoryCard, limit: int) -> str:
    """The outlet, or for one of our digests "our digest of the <outlet> report" (as render.outlet_line)."""
    outlet = clip(escape(card.source), limit)
    return f"our digest of the {outlet} report" if card.digest else outlet


def _line(card: StoryCard) -> str:
    title = clip(escape(card.title), 100) or "untitled"
    return f"• [{title}]({safe_url(card.url)}) · {_outlet(card, 60)}, {_when(card)}"


def render_post(post: Post) -> Rendered:
    """The message for a queued post (pure)."""
    topic = clip(escape(post.topic), 100)
    if post.kind == STORY and post.stories:
        card = post.stories[0]
        embed = discord.Embed(title=clip(escape(card.title), MAX_TITLE), url=safe_url(card.url), colour=COLOUR)
        lead = clip(escape(card.lead), LEAD_CHARS)
        lines = [(f"Our digest: {lead}" if card.digest else f"“{lead}”")] if card.lead else []  # ours never quoted
        lines.append(f"{_outlet(card, 80)}, {_when(card)}")
        if card.also:
            lines.append("Also reported by: " + ", ".join(escape(s) for s in card.also[:10]))
        embed.description = join_lines(lines, MAX_DESCRIPTION)
        footer = f"Following “{topic}” · {post.marker}"
    elif post.kind == DIGEST_POST:
        more = post.matched - len(post.stories)
        lines = [_line(c) for c in post.stories] + ([f"…and {more} more this week."] if more > 0 else [])
        embed = discord.Embed(
            title=clip(f"This week on {topic} ({post.week})", MAX_TITLE),
            description=join_lines(lines, MAX_DESCRIPTION),
            colour=COLOUR,
        )
        footer = f"Weekly digest · {post.marker}"
    elif post.kind == SUMMARY:
        embed = discord.Embed(
            title=clip(f"{len(post.stories)} more new stories on {escape(post.text) or topic}", MAX_TITLE),
            description=join_lines((_line(c) for c in post.stories), MAX_DESCRIPTION),
            colour=COLOUR,
        )
        footer = f"Past this channel's hourly limit of alerts, the rest come in one list · {post.marker}"
    else:  # a notice to a follower, or a story whose card went missing
        embed = discord.Embed(description=clip(post.text or "A followed story.", MAX_DESCRIPTION), colour=COLOUR)
        footer = f"chipbot follows · {post.marker}"
    embed.set_footer(text=footer)
    content = f"<@&{post.role_id}>" if post.role_id and post.kind in (STORY, DIGEST_POST) else None
    return Rendered(content=content, embeds=[fit(embed)])


def allowed_mentions(post: Post) -> discord.AllowedMentions:
    """Nobody, or the follow's one role."""
    if post.role_id and post.kind in (STORY, DIGEST_POST):
        return discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(post.role_id)])
    return NO_MENTIONS


@contextmanager
def delivery_errors() -> Iterator[None]:
    """Discord's errors as the outbox's: no access (the follow pauses), channel gone (its follows go),
    anything else (retried later)."""
    try:
        yield
    except discord.Forbidden as exc:
        raise MissingAccess(exc.text or str(exc)) from exc
    except discord.NotFound as exc:
        raise TargetGone(exc.text or str(exc)) from exc
    except (TimeoutError, discord.HTTPException, OSError) as exc:
        raise DeliveryError(str(exc)) from exc


class DiscordPoster(Poster):
    def __init__(self, bot: discord.Client) -> None:
        self.bot = bot

    async def _target(self, post: Post) -> discord.abc.Messageable:
        try:
            if post.channel_id is not None:
                channel = self.bot.get_channel(post.channel_id) or await self.bot.fetch_channel(post.channel_id)
                if not isinstance(channel, discord.abc.Messageable):
                    raise TargetGone(f"channel {post.channel_id} cannot hold messages")
                return channel
            user = self.bot.get_user(post.user_id or 0) or await self.bot.fetch_user(post.user_id or 0)
            return await user.create_dm()
        except discord.NotFound as exc:
            raise TargetGone(str(exc)) from exc
        except discord.Forbidden as exc:
            raise MissingAccess(str(exc)) from exc
        except (discord.HTTPException, TimeoutError, OSError) as exc:
            raise DeliveryError(str(exc)) from exc

    async def send(self, post: Post) -> int:
        await self.bot.wait_until_ready()
        target = await self._target(post)
        rendered = render_post(post)
        with delivery_errors():
            message = await target.send(
                content=rendered.content,
                embeds=rendered.embeds,
                allowed_mentions=allowed_mentions(post),
                nonce=post.nonce,
            )
        return message.id

    async def find(self, post: Post, since: float) -> int | None:
        await self.bot.wait_until_ready()
        target = await self._target(post)
        me = self.bot.user.id if self.bot.user else None
        marker = re.compile(rf"\b{re.escape(post.marker)}$")  # "ref 12" must not match "ref 123"
        with delivery_errors():
            # the channel's latest messages, not "after <time>": chipbot's clock and Discord's may differ
            async for message in target.history(limit=HISTORY_LIMIT):
                if message.author.id == me and any(marker.search(e.footer.text or "") for e in message.embeds):
                    return message.id
        return None
