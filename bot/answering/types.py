"""The Answer a question gets: pure data that the CLI and Discord layers only render."""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.types import Alternate, Article


@dataclass(frozen=True)
class Citation:
    """Source [n] of an answer. ``quote`` is exactly ``article.text[start:end]``."""

    n: int
    article: Article
    quote: str
    start: int
    end: int
    alternates: list[Alternate] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    text: str  # what a user sees: the answer with [n] markers (plain text, no markup)
    citations: list[Citation]
    abstained: bool
    newer: list[Article] = field(default_factory=list)  # newer relevant coverage than the lead's
    related_topics: list[str] = field(default_factory=list)  # closest covered topics, on abstention
    generated: bool = False  # True when an LLM wrote the text (checked against the citations)
    resolved_question: str | None = None  # the follow-up rewritten against the conversation
    read_as: tuple[str, ...] = ()  # names it described ("the Dutch toolmaker": ASML)
    respelt: tuple[tuple[str, str], ...] = ()  # names it misspelt, (as written, as read): ("nvida", "Nvidia")
    timings_ms: dict[str, float] = field(default_factory=dict)
    confidence: float | None = None  # the calibrated probability that citation [1] answers the question

    @property
    def respelt_text(self) -> str:
        """The misspelt names as read, for the line above the answer: '"nvida" as Nvidia, ...'."""
        return ", ".join(f'"{written}" as {read}' for written, read in self.respelt)
