"""Domain errors of the corpus stage, with messages a user can act on."""

from __future__ import annotations


class CorpusError(Exception):
    """Base class for corpus errors."""


class SourceError(CorpusError):
    """A source could not be read (missing file, HTTP error, not a feed, bad encoding...)."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
