"""The outbox: each (follow, story) posted once as the channel sees it, within the hourly limit.

A post is recorded (pending) before anything is sent; it is marked ``sending`` just before the
send and ``sent`` with the message id after. A chipbot killed between the send and the mark leaves
it ``sending``, and the next pass (the first one after a restart is the recovery pass) asks the
channel whether a message carrying the post's marker is already there: if so it only records it,
if not it sends. So a post is never sent twice, and never lost. (Discord's own ``nonce`` check,
also set, catches a quick retry of a send whose answer was lost.)

At most ``posts_per_hour`` stories and digests go to a channel in any hour; past that, what waits
becomes one summary post (at most one an hour), and anything later waits for the next hour.
A channel chipbot may no longer post in pauses the follow and tells its follower once (by direct
message); a deleted channel removes its follows.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from bot.service.following.store import REGULAR_POSTS, FollowStore
from bot.service.following.types import SUMMARY, DeliveryError, MissingAccess, Post, TargetGone

log = logging.getLogger(__name__)

HOUR = 3600.0
FIND_SLACK_S = 120.0  # look for a perhaps-sent message from a little before it was attempted


class Poster(Protocol):
    """Sends posts to Discord (bot.discordbot.alerts implements it)."""

    async def send(self, post: Post) -> int:
        """Send and return the message id; raise MissingAccess, TargetGone or DeliveryError."""
        ...

    async def find(self, post: Post, since: float) -> int | None:
        """The id of a message carrying ``post.marker`` sent since ``since`` (epoch s), or None."""
        ...


def paused_notice(topic: str, channel_id: int | None) -> str:
    where = f"<#{channel_id}>" if channel_id else "that channel"
    return (
        f"I can no longer post in {where}, so your follow of “{topic}” is paused. Let chipbot view the "
        "channel, send messages and embed links there, then run /follow again to resume it."
    )


@dataclass
class DeliveryReport:
    sent: int = 0
    recovered: int = 0  # found already in the channel after a restart: recorded, not re-sent
    summarised: int = 0  # stories folded into a summary post
    paused: int = 0
    removed: int = 0  # follows of deleted channels


class Delivery:
    def __init__(
        self,
        store: FollowStore,
        poster: Poster,
        *,
        posts_per_hour: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if posts_per_hour < 1:
            raise ValueError("posts_per_hour must be at least 1")
        self.store = store
        self.poster = poster
        self.posts_per_hour = posts_per_hour
        self.clock = clock
        self._lock = asyncio.Lock()

    async def deliver(self) -> DeliveryReport:
        """One pass over everything unsent: recover, send, summarise (never two passes at once)."""
        report = DeliveryReport()
        async with self._lock:
            channels: dict[int, list[tuple[Post, str]]] = {}
            for post, state in self.store.unsent():
                if post.channel_id is None:
                    await self._notice(post, state, report)
                else:
                    channels.setdefault(post.channel_id, []).append((post, state))
            for channel_id, posts in channels.items():
                await self._channel(channel_id, posts, report)
            if report.paused:  # tell the followers of follows paused in this pass now
                for post, state in self.store.unsent():
                    if post.channel_id is None:
                        await self._notice(post, state, report)
        return report

    async def _channel(self, channel_id: int, posts: list[tuple[Post, str]], report: DeliveryReport) -> None:
        # 1. posts that were perhaps sent (recovery), and queued summaries: already admitted
        for post, state in posts:
            admitted = state == "sending" or post.kind == SUMMARY
            if admitted and not await self._send(post, state, report):
                return
        # 2. stories and digests, within the hourly limit
        waiting = [p for p, state in posts if state == "pending" and p.kind in REGULAR_POSTS]
        regular, summaries = self.store.posts_since(channel_id, self.clock() - HOUR)
        budget = max(self.posts_per_hour - regular, 0)
        for post in waiting[:budget]:
            if not await self._send(post, "pending", report):
                return
        rest = waiting[budget:]
        if rest and not summaries:
            summary = self.store.summarise(channel_id, [p.outbox_id for p in rest])
            if summary is not None:
                report.summarised += sum(len(p.stories) for p in rest)
                await self._send(summary, "pending", report)

    async def _send(self, post: Post, state: str, report: DeliveryReport) -> bool:
        """Send one post (after checking the channel when it was perhaps sent); False when the
        channel cannot take more now."""
        if state == "sending":
            attempted = self.store.attempted(post.outbox_id) or self.clock()
            try:
                found = await self.poster.find(post, attempted - FIND_SLACK_S)
            except DeliveryError as exc:
                return self._failed(post, exc, report)
            if found is not None:
                self.store.mark_sent(post.outbox_id, found)
                report.recovered += 1
                log.info("post %s was already in channel %s: recorded", post.outbox_id, post.channel_id)
                return True
        self.store.mark_sending(post.outbox_id)
        try:
            message_id = await self.poster.send(post)
        except DeliveryError as exc:
            return self._failed(post, exc, report)
        self.store.mark_sent(post.outbox_id, message_id)
        report.sent += 1
        return True

    def _failed(self, post: Post, error: DeliveryError, report: DeliveryReport) -> bool:
        if isinstance(error, TargetGone) and post.channel_id is not None:
            report.removed += self.store.remove_channel(post.channel_id)
            log.warning("channel %s is gone: removed its follows", post.channel_id)
        elif isinstance(error, MissingAccess):
            follow = self.store.follow_of(post.outbox_id)
            self.store.mark_pending(post.outbox_id)  # refused: certainly not posted
            if follow is not None and self.store.pause(
                follow.id, f"missing permission: {error}", paused_notice(follow.topic, follow.channel_id)
            ):
                report.paused += 1
                log.warning("paused follow %s: cannot post in channel %s (%s)", follow.id, follow.channel_id, error)
        else:  # an outage or a timeout: perhaps sent; the next pass checks the channel first
            log.warning("post %s not confirmed (%s); will check and retry", post.outbox_id, error)
        return False

    async def _notice(self, post: Post, state: str, report: DeliveryReport) -> None:
        """A direct message to a follower. One that cannot be delivered (DMs closed, user gone) is
        given up rather than retried forever."""
        try:
            if state == "sending":
                since = (self.store.attempted(post.outbox_id) or self.clock()) - FIND_SLACK_S
                found = await self.poster.find(post, since)
                if found is not None:
                    self.store.mark_sent(post.outbox_id, found)
                    return
            self.store.mark_sending(post.outbox_id)
            self.store.mark_sent(post.outbox_id, await self.poster.send(post))
            report.sent += 1
        except (MissingAccess, TargetGone) as exc:
            log.warning("could not tell user %s that a follow is paused: %s", post.user_id, exc)
            self.store.mark_sent(post.outbox_id, 0)
        except DeliveryError as exc:
            log.warning("notice %s not confirmed (%s); will retry", post.outbox_id, exc)
