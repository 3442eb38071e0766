"""Answers and search results as Discord messages, inside every Discord limit, with article text escaped.

Everything here is pure: it builds :class:`discord.Embed` objects and never talks to Discord. Article
text is untrusted: markdown characters are backslash-escaped, mentions are neutralised (and every
send also uses ``AllowedMentions.none()``), and each piece is clipped before it is measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

import discord

from bot.answering.types import Answer, Citation
from bot.service.coverage import Coverage, describe_coverage
from bot.service.refresh import RefreshStatus
from corpus.gate.ledger import FeedCounts
from corpus.types import Article
from index.types import Hit

MAX_CONTENT = 2000
MAX_TOTAL = 6000
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048

QUOTE_CHARS = 350  # of the verbatim quote shown under each source
ANSWER_CHARS = 1800
UNDERSTOOD_CHARS = 300  # the resolved follow-up shown above an answer
TITLE_CHARS = 120
COLOUR = discord.Colour.teal()
ABSTAIN_COLOUR = discord.Colour.light_grey()

NO_MENTIONS = discord.AllowedMentions.none()

_MARKDOWN = re.compile(r"([\\*_~`|>\[\]<#])")
_LEADING = re.compile(r"^(?:([-+])|(\d+)\.)(?=\s)")  # a list marker that would start a line
_MENTION = re.compile(r"@(everyone|here)")
_SPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    """Make untrusted text render literally: no markdown, no links, no mentions, one line."""
    flat = _MARKDOWN.sub(r"\\\1", _SPACE.sub(" ", text).strip())
    flat = _LEADING.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\.", flat)
    return _MENTION.sub("@\u200b\\1", flat)


def clip(text: str, limit: int) -> str:
    """Cut escaped text to ``limit`` characters with an ellipsis, never leaving half an escape."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:  # a lone backslash would escape the ellipsis
        cut = cut[:-1]
    return cut.rstrip() + "…" if limit > 0 else ""


def safe_url(url: str) -> str:
    """A URL that cannot break out of a markdown link: spaces, brackets and quotes percent-encoded."""
    return quote(url.strip(), safe=":/?#@!$&'*+,;=%~-._")


def _clean(text: str | None, limit: int) -> str:
    return clip(escape(text or ""), limit)


def outlet_line(article: Article) -> str:
    """``outlet, 2025-01-03`` for an article (no date when none is known); for one of our digests,
    ``our digest of the outlet report, 2025-01-03``."""
    when = article.published.isoformat() if isinstance(article.published, date) else "undated"
    outlet = _clean(article.source, 80)
    return f"our digest of the {outlet} report, {when}" if article.is_digest else f"{outlet}, {when}"


def passage(article: Article, text: str) -> str:
    """A passage of an article as shown under its source: in quotation marks when it is the
    outlet's own text, introduced as our digest when it is ours (never quoted as theirs)."""
    shown = _clean(text, QUOTE_CHARS)
    return f"Our digest: {shown}" if article.is_digest else f"“{shown}”"


def source_link(article: Article, limit: int = TITLE_CHARS) -> str:
    title = _clean(article.title or article.source, limit) or "untitled"
    return f"[{title}]({safe_url(article.url)})"


@dataclass
class Rendered:
    """What one message carries; ``kwargs()`` goes straight to ``send``."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {"embeds": self.embeds, "allowed_mentions": NO_MENTIONS}
        if self.content:
            out["content"] = clip(self.content, MAX_CONTENT)
        return out


def join_lines(lines: Iterable[str], limit: int) -> str:
    """Join whole lines while they fit in ``limit`` characters."""
    out: list[str] = []
    used = 0
    for line in lines:
        extra = len(line) + (1 if out else 0)
        if used + extra > limit:
            break
        out.append(line)
        used += extra
    return "\n".join(out)


def fit(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields, then shorten the description, until the embed's total fits 6000."""
    while len(embed) > MAX_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > MAX_TOTAL and embed.description:
        over = len(embed) - MAX_TOTAL
        embed.description = clip(embed.description, max(len(embed.description) - over, 0))
    return embed


def _embed(title: str, description: str, colour: discord.Colour) -> discord.Embed:
    return discord.Embed(title=clip(title, MAX_TITLE), description=clip(description, MAX_DESCRIPTION), colour=colour)


def _add_field(embed: discord.Embed, name: str, value: str) -> None:
    if len(embed.fields) < MAX_FIELDS and value:
        embed.add_field(name=clip(name, MAX_FIELD_NAME), value=clip(value, MAX_FIELD_VALUE), inline=False)


def _citation_field(embed: discord.Embed, citation: Citation) -> None:
    name = f"[{citation.n}] {outlet_line(citation.article)}"
    value = f"{passage(citation.article, citation.quote)}\n{source_link(citation.article, 80)}"
    _add_field(embed, name, value)


def render_answer(answer: Answer, *, max_quotes: int | None = None) -> Rendered:
    """The answer embed: answer text, numbered sources as links with outlet and date, newer coverage.

    Extractive answers already consist of the verbatim quotes; a generated (LLM-worded) answer also
    shows each source's verbatim quote (``max_quotes`` of them, default 5) so it can be checked.
    """
    if max_quotes is None:
        max_quotes = 5 if answer.generated else 0
    title = _clean(answer.question, MAX_TITLE - 2)
    text = _clean(answer.text, ANSWER_CHARS)
    if answer.read_as:  # "the Dutch lithography-machine maker": say whom it was taken to mean
        text = f"*Read as naming:* {_clean(', '.join(answer.read_as), UNDERSTOOD_CHARS)}\n\n{text}"
    if answer.respelt:  # "nvida": say which name it was read as
        text = f"*Read* {_clean(answer.respelt_text, UNDERSTOOD_CHARS)}\n\n{text}"
    if answer.resolved_question:  # a follow-up: say how it was understood, as the terminal does
        text = f"*Understood as:* {_clean(answer.resolved_question, UNDERSTOOD_CHARS)}\n\n{text}"
    if answer.abstained:
        lines = [text]
        if answer.related_topics:
            lines += ["", "**Closest topics I do cover:**"]
            lines += [f"• {_clean(topic, 100)}" for topic in answer.related_topics[:8]]
        embed = _embed(title, join_lines(lines, MAX_DESCRIPTION), ABSTAIN_COLOUR)
    else:
        sources = [f"**[{c.n}]** {source_link(c.article)} · {outlet_line(c.article)}" for c in answer.citations]
        description = text + "\n\n**Sources**\n"
        description += join_lines(sources, MAX_DESCRIPTION - len(description))
        embed = _embed(title, description, COLOUR)
        for citation in answer.citations[:max_quotes]:
            _citation_field(embed, citation)
    if answer.newer:
        newer = [f"{source_link(a, 90)} · {outlet_line(a)}" for a in answer.newer[:5]]
        _add_field(embed, "Newer coverage", join_lines(newer, MAX_FIELD_VALUE))
    note = "Quotes are verbatim from the linked articles."
    if any(c.article.is_digest for c in answer.citations):
        note = "Quotes are verbatim; passages marked as our digests sum up the linked reports in our own words."
    if answer.generated:
        note = "Worded by a language model from the quoted articles; check the sources."
    embed.set_footer(text=note)
    return Rendered(embeds=[fit(embed)])


def render_hits(title: str, hits: Sequence[Hit], *, start: int = 1, footer: str | None = None) -> Rendered:
    """A list of passages: one field per hit with its outlet, date, link and best passage."""
    embed = _embed(_clean(title, MAX_TITLE), "" if hits else "Nothing found.", COLOUR)
    for number, hit in enumerate(hits, start=start):
        name = f"{number}. {outlet_line(hit.article)}"
        value = f"{source_link(hit.article, 100)}\n{passage(hit.article, hit.chunk.text)}"
        _add_field(embed, name, value)
    if footer:
        embed.set_footer(text=clip(footer, MAX_FOOTER))
    return Rendered(embeds=[fit(embed)])


def render_search_page(query: str, hits: Sequence[Hit], page: int, per_page: int) -> Rendered:
    """Page ``page`` (0-based) of the passages found for ``query``."""
    pages = max(1, -(-len(hits) // per_page))
    page = min(max(page, 0), pages - 1)
    chunk = hits[page * per_page : (page + 1) * per_page]
    footer = f"Page {page + 1} of {pages} · {len(hits)} passages"
    return render_hits(f"Search: {query}", chunk, start=page * per_page + 1, footer=footer)


def render_articles(title: str, articles: Sequence[Article], *, empty: str = "No articles indexed yet.") -> Rendered:
    """Newest stories: one line each with link, outlet and date (``empty``, already escaped, when none)."""
    lines = [f"• {source_link(a, 100)} · {outlet_line(a)}" for a in articles]
    body = join_lines(lines, MAX_DESCRIPTION) or empty
    return Rendered(embeds=[fit(_embed(_clean(title, MAX_TITLE), body, COLOUR))])


def _feed_line(url: str, counts: FeedCounts | None) -> str:
    seen = f"{counts.admitted} admitted / {counts.rejected} kept out" if counts else "nothing read yet"
    return f"• {escape(url)}: {seen}"


def render_sources(cov: Coverage, status: RefreshStatus | None, counts: Sequence[FeedCounts] = ()) -> Rendered:
    lines = [
        f"• {escape(o.source)}: {o.articles} article{'s' if o.articles != 1 else ''}, newest "
        f"{o.newest.isoformat() if o.newest else 'undated'}"
        for o in cov.outlets
    ]
    head = describe_coverage(cov)
    body = head + "\n\n" + join_lines(lines, MAX_DESCRIPTION - len(head) - 2)
    embed = discord.Embed(title="Sources in the index", description=body, colour=discord.Colour.teal())
    if status is not None:
        gated = {c.feed: c for c in counts}
        feeds = join_lines((_feed_line(url, gated.get(url)) for url in status.feeds), MAX_FIELD_VALUE)
        embed.add_field(
            name=f"Feeds (polled every {status.interval_s / 60:.0f} min): items admitted / kept out as off-topic",
            value=feeds or "none configured",
            inline=False,
        )
        last = status.last
        if last is None:
            when = "not yet since the bot started"
        else:
            when = f"{last.finished:%Y-%m-%d %H:%M} UTC: +{last.outcome.added} articles"
            if last.outcome.rejected:
                when += f", {last.outcome.rejected} kept out as off-topic"
            if last.error:
                when += f" (failed: {escape(last.error)})"
        embed.add_field(name="Last refresh", value=clip(when, MAX_FIELD_VALUE), inline=False)
        if last is not None and last.outcome.failed:
            failing = join_lines((f"• {escape(f)}" for f in last.outcome.failed), MAX_FIELD_VALUE)
            embed.add_field(name="Failing feeds", value=failing, inline=False)
    return Rendered(embeds=[fit(embed)])
