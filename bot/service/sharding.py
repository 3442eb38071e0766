"""Whether this process runs the bot sharded, and which shards (the settings decide; see docs/deploy.md).

Discord serves at most 2,500 guilds on one gateway connection and recommends a shard count
(``GET /gateway/bot``, about one shard per 1,000 guilds). ``CHIPBOT_SHARDING=auto`` shards once that
recommendation is above one, so a bot grows past the limit without a config change; ``on`` and
``off`` force it; ``CHIPBOT_SHARD_COUNT`` / ``CHIPBOT_SHARD_IDS`` split the shards over processes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.service.settings import Settings


@dataclass(frozen=True)
class ShardPlan:
    sharded: bool
    shard_count: int | None = None  # None with sharded: discord.py asks Discord
    shard_ids: tuple[int, ...] | None = None  # None: every shard of shard_count

    def describe(self) -> str:
        if not self.sharded:
            return "one gateway connection (not sharded)"
        count = self.shard_count if self.shard_count is not None else "as Discord recommends"
        ids = ", ".join(map(str, self.shard_ids)) if self.shard_ids else "all"
        return f"sharded: {count} shards in total, this process runs {ids}"


async def plan_shards(settings: Settings, recommended: Callable[[], Awaitable[int]]) -> ShardPlan:
    """``recommended`` asks Discord for its shard count; it is only called in ``auto`` mode."""
    if settings.sharding == "off":
        return ShardPlan(False)
    if settings.shard_count is not None:
        return ShardPlan(True, settings.shard_count, settings.shard_ids)
    if settings.sharding == "on":
        return ShardPlan(True)
    count = await recommended()
    return ShardPlan(True, count) if count > 1 else ShardPlan(False)
