"""Typed records that cross stage boundaries: articles and their chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Alternate:
    """Another copy of an article (a syndicated or near-duplicate page), kept as an extra source."""

    url: str
    source: str
    title: str | None = None
    article_id: str | None = None  # the id the copy had in its input, when it had one


DIGEST = "digest"  # the origin of our own digest of a report (the bundled sample): never the outlet's words


@dataclass
class Article:
    """One stored article. ``text`` is the cleaned main text: every chunk and quote is a span of it."""

    id: str
    url: str
    canonical_url: str
    title: str | None
    source: str  # the outlet's domain, e.g. "reuters.com"
    published: date | None  # never invented: None when no date is known
    text: str
    author: str | None = None
    site_name: str | None = None
    origin: str = "jsonl"  # how it was read: jsonl | html | text | url | feed-summary | digest
    alternates: list[Alternate] = field(default_factory=list)
    # A date the input gave that is not used as ``published`` (so it never counts as newest):
    # ``date_problem`` says why, "future" (after tomorrow) or "unreadable".
    published_given: str | None = None
    date_problem: str | None = None

    @property
    def is_digest(self) -> bool:
        """Our own summary of the report at ``url``, not its text: shown labelled as a digest of that
        outlet's report, never in quotation marks as the outlet's words."""
        return self.origin == DIGEST


@dataclass(frozen=True)
class Chunk:
    """A sentence-aligned passage of an article: ``article.text[start:end] == text``."""

    id: str  # deterministic: hash of article id, span and text
    article_id: str
    ordinal: int
    start: int
    end: int
    text: str
