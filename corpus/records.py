"""Typed records inside the corpus stage: what a reader produced, and what an ingest did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Document:
    """One article as a reader found it, before normalisation, deduplication and chunking."""

    source: str  # where it came from, for messages: a path, "path:line", a URL
    text: str
    url: str | None = None
    title: str | None = None
    published: date | str | None = None
    outlet: str | None = None  # the outlet's domain, when the input names it
    author: str | None = None
    site_name: str | None = None
    origin: str = "jsonl"  # jsonl | html | text | url | feed-summary
    article_id: str | None = None  # an id given in the input is kept
    summary: str | None = None  # the feed entry's summary, when the text is its page (the topic gate reads it)
    feed: str | None = None  # the feed URL it came from (per-feed gate counts)


@dataclass(frozen=True)
class Skip:
    """An input that could not be read, with the reason, for the ingest summary."""

    source: str
    reason: str


@dataclass(frozen=True)
class Notice:
    """Something worth telling about an input that was still read (a guessed encoding, a doubtful date)."""

    source: str
    message: str


@dataclass(frozen=True)
class NotModified:
    """A page or feed that the server says has not changed since the last ingest (HTTP 304)."""

    source: str


ReadItem = Document | Skip | NotModified | Notice  # what readers yield


@dataclass(frozen=True)
class Duplicate:
    """An input folded into an already stored article as an alternate source."""

    source: str
    url: str
    duplicate_of: str  # the stored article's id
    kind: str  # "exact" | "near"
    similarity: float = 1.0


@dataclass(frozen=True)
class Rejected:
    """An item the topic gate kept out of the articles (stored as a rejected record)."""

    source: str
    article_id: str
    title: str | None
    score: float | None


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    not_modified: list[str] = field(default_factory=list)  # URLs answered with HTTP 304
    notices: list[Notice] = field(default_factory=list)  # read and kept, with a remark
    rejected: list[Rejected] = field(default_factory=list)  # kept out by the topic gate
    chunks_written: int = 0

    @property
    def read(self) -> int:
        """How many documents were read successfully (whatever then happened to them)."""
        kept = len(self.added) + len(self.updated) + len(self.unchanged) + len(self.duplicates)
        return kept + len(self.not_modified) + len(self.rejected)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.duplicates)

    def summary_lines(self) -> list[str]:
        lines = [
            f"added {len(self.added)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}, "
            f"duplicates {len(self.duplicates)}, skipped {len(self.skipped)}"
            + (f", not modified since last time {len(self.not_modified)}" if self.not_modified else "")
            + (f", rejected as off-topic {len(self.rejected)}" if self.rejected else "")
        ]
        lines += [
            f"  duplicate ({d.kind}, {d.similarity:.2f}): {d.source} -> {d.duplicate_of}" for d in self.duplicates
        ]
        lines += [f"  skipped: {s.source}: {s.reason}" for s in self.skipped]
        lines += [f"  note: {n.source}: {n.message}" for n in self.notices]
        lines += [
            f"  rejected ({'score ' + format(r.score, '.2f') if r.score is not None else 'unscored'}): "
            f"{r.article_id} {r.title or r.source}"
            for r in self.rejected
        ]
        return lines
