"""The buttons under every answer: "More sources" and 👍/👎, as persistent dynamic items.

Their custom ids carry the answer's row id in the feedback store, so they keep working after a
restart without any in-memory state.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.discordbot.render import render_hits
from bot.discordbot.replies import Reply, services_of

log = logging.getLogger(__name__)

MORE_SOURCES = 5
GONE = "I no longer have that answer on record."


def answer_view(answer_id: int, *, abstained: bool = False) -> discord.ui.View:
    """The button row for answer ``answer_id``."""
    view = discord.ui.View(timeout=None)
    if not abstained:
        view.add_item(MoreSourcesButton(answer_id))
    view.add_item(VoteButton(answer_id, 1))
    view.add_item(VoteButton(answer_id, -1))
    return view


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=r"chipbot:vote:(?P<vote>up|down):(?P<id>[0-9]+)"):
    def __init__(self, answer_id: int, vote: int) -> None:
        self.answer_id = answer_id
        self.vote = vote
        word = "up" if vote > 0 else "down"
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji="👍" if vote > 0 else "👎",
                custom_id=f"chipbot:vote:{word}:{answer_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(int(match["id"]), 1 if match["vote"] == "up" else -1)

    async def callback(self, interaction: discord.Interaction) -> None:
        reply = Reply.of(interaction)
        await reply.thinking(private=True)
        try:
            services = services_of(interaction)
            known = await services.workers.run(services.feedback.vote, self.answer_id, interaction.user.id, self.vote)
            await reply.private("Thanks for the feedback!" if known else GONE)
        except Exception as exc:
            await reply.failed(exc, "feedback button")


class MoreSourcesButton(discord.ui.DynamicItem[discord.ui.Button], template=r"chipbot:more:(?P<id>[0-9]+)"):
    def __init__(self, answer_id: int) -> None:
        self.answer_id = answer_id
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.primary, label="More sources", custom_id=f"chipbot:more:{answer_id}"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MoreSourcesButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        reply = Reply.of(interaction)
        await reply.thinking(private=True)
        try:
            services = services_of(interaction)
            stored = await services.workers.run(services.feedback.get, self.answer_id)
            if stored is None:
                await reply.private(GONE)
                return
            # A follow-up ("what about Tencent?") is searched as it was understood, not as typed.
            result = await services.workers.run(services.search.search, stored.searched, k=len(stored.cited_ids) + 10)
            cited = set(stored.cited_ids)
            extra = [hit for hit in result.hits if hit.article.id not in cited][:MORE_SOURCES]
            rendered = render_hits(f"More sources: {stored.searched}", extra)
            await reply.send(rendered, private=True)
        except Exception as exc:
            await reply.failed(exc, "more sources button")
