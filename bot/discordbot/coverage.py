"""What is in the index, per outlet, and how fresh it is: for /sources and /stats."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import discord

from bot.service.refresh import RefreshStatus
from bot.discordbot.render import MAX_DESCRIPTION, MAX_FIELD_VALUE, Rendered, clip, escape, fit, join_lines


@dataclass(frozen=True)
class OutletCount:
    source: str
    articles: int
    newest: date | None


@dataclass(frozen=True)
class Coverage:
    articles: int
    outlets: list[OutletCount]  # most articles first

    @property
    def newest(self) -> date | None:
        return max((o.newest for o in self.outlets if o.newest), default=None)


def coverage(outlets: Iterable[tuple[str, int, date | None]]) -> Coverage:
    """Coverage from (source, article count, newest date) rows, as ``Index.outlets()`` gives them."""
    counts = sorted((OutletCount(*row) for row in outlets), key=lambda o: (-o.articles, o.source))
    return Coverage(sum(o.articles for o in counts), counts)


def describe_coverage(cov: Coverage) -> str:
    newest = cov.newest.isoformat() if cov.newest else "no dated article"
    return f"{cov.articles} articles from {len(cov.outlets)} outlets; newest {newest}."


def render_sources(cov: Coverage, status: RefreshStatus | None) -> Rendered:
    lines = [
        f"• {escape(o.source)}: {o.articles} article{'s' if o.articles != 1 else ''}, newest "
        f"{o.newest.isoformat() if o.newest else 'undated'}"
        for o in cov.outlets
    ]
    head = describe_coverage(cov)
    body = head + "\n\n" + join_lines(lines, MAX_DESCRIPTION - len(head) - 2)
    embed = discord.Embed(title="Sources in the index", description=body, colour=discord.Colour.teal())
    if status is not None:
        feeds = join_lines((f"• {escape(url)}" for url in status.feeds), MAX_FIELD_VALUE) or "none configured"
        embed.add_field(name=f"Feeds (polled every {status.interval_s / 60:.0f} min)", value=feeds, inline=False)
        last = status.last
        if last is None:
            when = "not yet since the bot started"
        else:
            when = f"{last.finished:%Y-%m-%d %H:%M} UTC: +{last.outcome.added} articles"
            if last.error:
                when += f" (failed: {escape(last.error)})"
        embed.add_field(name="Last refresh", value=clip(when, MAX_FIELD_VALUE), inline=False)
        if last is not None and last.outcome.failed:
            failing = join_lines((f"• {escape(f)}" for f in last.outcome.failed), MAX_FIELD_VALUE)
            embed.add_field(name="Failing feeds", value=failing, inline=False)
    return Rendered(embeds=[fit(embed)])
