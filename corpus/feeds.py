"""The feeds file (``corpus/feeds.toml`` or ``CHIPBOT_FEEDS_FILE``): which feeds to poll, and how.

Each ``[[feed]]`` table has a ``url`` (RSS or Atom) and a ``name``; ``ignore_robots_txt = true``
marks a source the operator owns, whose article pages are then fetched without the robots.txt
check. A plain ``feeds = ["https://…"]`` list is read too.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import CorpusError


class FeedsFileError(CorpusError):
    """The feeds file cannot be read or has a wrongly typed setting."""


@dataclass(frozen=True)
class Feed:
    url: str
    name: str | None = None
    ignore_robots_txt: bool = False


def read_feeds_file(path: Path) -> list[Feed]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FeedsFileError(f"cannot read the feeds file {path}: {exc}") from exc
    feeds: list[Feed] = []
    for key in ("feeds", "feed"):
        for entry in data.get(key, []):
            table = entry if isinstance(entry, dict) else {"url": entry}
            url = table.get("url")
            if not isinstance(url, str) or not url.strip():
                continue
            ignore = table.get("ignore_robots_txt", False)
            if not isinstance(ignore, bool):
                raise FeedsFileError(f"{path}: ignore_robots_txt of {url} must be true or false, not {ignore!r}")
            name = table.get("name")
            feeds.append(Feed(url.strip(), name if isinstance(name, str) else None, ignore))
    return feeds
