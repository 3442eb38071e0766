"""Domain errors of the corpus stage, with messages a user can act on."""

from __future__ import annotations


class CorpusError(Exception):
    """Base class for corpus errors."""
