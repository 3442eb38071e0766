"""robots.txt for article pages: fetched once per site through the same guarded fetcher, then cached.

As RFC 9309 says: a robots.txt that is missing (4xx) allows everything; one that cannot be
reached (5xx, network failure, timeout) disallows everything for now. Feeds themselves are
fetched without the check (a feed is published to be polled); a feed the operator owns can
exempt its pages (``ignore_robots_txt = true`` in feeds.toml).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from corpus.errors import CorpusError

if TYPE_CHECKING:
    from corpus.sources.http import Fetcher

log = logging.getLogger(__name__)

ROBOTS_AGENT = "chipbot"
MAX_ROBOTS_BYTES = 512 * 1024
KEEP_S = 24 * 3600  # a robots.txt is read again after a day (RFC 9309 says caches should not exceed 24 h)


class RobotsRules:
    """Whether robots.txt lets chipbot fetch a URL; one robots.txt per scheme and host, read again after a day."""

    def __init__(self, fetcher: Fetcher, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._fetcher = fetcher
        self._clock = clock
        # origin -> (when read, the rules or why everything is disallowed for now)
        self._sites: dict[str, tuple[float, RobotFileParser | str]] = {}

    def refusal(self, url: str) -> str | None:
        """None when the URL may be fetched, else the reason (for the skip message)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        read_at, rules = self._sites.get(origin, (None, ""))
        if read_at is None or self._clock() - read_at > KEEP_S:
            rules = self._load(origin)
            self._sites[origin] = (self._clock(), rules)
        if isinstance(rules, str):
            return rules
        if rules.can_fetch(ROBOTS_AGENT, url):
            return None
        return f"{origin}/robots.txt disallows this page for {ROBOTS_AGENT}"

    def _load(self, origin: str) -> RobotFileParser | str:
        from corpus.sources.decode import UnreadableInput, decode_text
        from corpus.sources.http import FetchError

        rules = RobotFileParser(f"{origin}/robots.txt")
        try:
            response = self._fetcher.get(f"{origin}/robots.txt")
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                rules.parse([])  # no robots.txt: everything is allowed
                return rules
            log.info("robots.txt of %s unreachable (%s): not fetching its pages for now", origin, exc)
            return f"{origin}/robots.txt could not be read ({exc}); not fetching its pages for now"
        except CorpusError as exc:
            return f"{origin}/robots.txt could not be read ({exc})"
        try:
            text = decode_text(response.body[:MAX_ROBOTS_BYTES], declared=response.charset).text
        except UnreadableInput:
            text = ""  # an empty or unreadable robots.txt forbids nothing
        rules.parse(text.splitlines())
        return rules
