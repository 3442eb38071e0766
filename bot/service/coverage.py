"""What is in the index, per outlet, and how fresh it is: for /sources, /stats and `chipbot status`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


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
