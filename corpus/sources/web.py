"""Web pages by URL and RSS/Atom feeds; a feed entry whose page fails falls back to the feed summary."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from corpus.extract import extract_html
from corpus.records import Document, NotModified, ReadItem, Skip
from corpus.sources.decode import UnreadableInput, decode_text
from corpus.sources.http import Fetcher, FetchError

if TYPE_CHECKING:
    from feedparser import FeedParserDict

    from corpus.store import ArticleStore

Entry = Mapping[str, Any]  # a feedparser entry

log = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]+>")


def fetch_page(
    url: str,
    fetcher: Fetcher,
    *,
    label: str | None = None,
    store: ArticleStore | None = None,
    check_robots: bool = True,
) -> Document | Skip | NotModified:
    """The article at a URL, a Skip with the reason, or NotModified when the server says it has not changed."""
    label = label or url
    etag, modified = store.validators(url) if store else (None, None)
    try:
        if check_robots and (refusal := fetcher.robots.refusal(url)):
            return Skip(label, refusal)
        response = fetcher.get(url, etag=etag, last_modified=modified)
        if response.not_modified:
            return NotModified(label)
        text = decode_text(response.body, declared=response.charset, html=True).text
    except (FetchError, UnreadableInput) as exc:
        return Skip(label, str(exc))
    found = extract_html(text, url=response.url)
    if not found.text.strip():
        return Skip(label, "no article text found on the page")
    if store:
        store.remember_validators(url, response.etag, response.last_modified)
    return Document(
        source=label,
        text=found.text,
        url=url,
        title=found.title,
        published=found.published,
        author=found.author,
        site_name=found.site_name,
        origin="url",
    )


def read_url(url: str, fetcher: Fetcher, store: ArticleStore | None = None) -> Iterator[ReadItem]:
    yield fetch_page(url, fetcher, store=store)


def read_feed(url: str, fetcher: Fetcher, store: ArticleStore | None = None) -> Iterator[ReadItem]:
    """Every entry of an RSS/Atom feed: its page, or else the feed's own summary (origin ``feed-summary``).

    Relative entry links are resolved against the feed's address. A feed listed with
    ``ignore_robots_txt`` (the operator's own site) has its pages fetched without the robots.txt check.
    """
    etag, modified = store.validators(url) if store else (None, None)
    try:
        response = fetcher.get(url, etag=etag, last_modified=modified)
    except FetchError as exc:
        yield Skip(url, str(exc))
        return
    if response.not_modified:
        log.info("feed %s not modified since the last ingest", url)
        yield NotModified(url)
        return
    parsed = parse_feed(response.body, url)
    if isinstance(parsed, Skip):
        yield parsed
        return
    site = parsed.feed.get("title")
    check_robots = url not in fetcher.robots_exempt_feeds
    for number, entry in enumerate(parsed.entries, start=1):
        yield _entry(url, response.url, number, entry, site, fetcher, store, check_robots)
    if store:
        store.remember_validators(url, response.etag, response.last_modified)


def read_feed_file(body: bytes, label: str) -> Iterator[Document | Skip]:
    """A saved feed file: its entries' own content or summaries (nothing is fetched for a local file)."""
    parsed = parse_feed(body, label)
    if isinstance(parsed, Skip):
        yield parsed
        return
    site = parsed.feed.get("title")
    base = parsed.feed.get("link")
    for number, entry in enumerate(parsed.entries, start=1):
        yield _summary_document(f"{label}#{number}", entry, site, absolute_link(base, entry.get("link")))


def parse_feed(body: bytes, label: str) -> FeedParserDict | Skip:
    """The feedparser result, or a Skip when the bytes are not a feed or the feed is empty."""
    import feedparser

    parsed = feedparser.parse(body)
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        return Skip(label, f"not an RSS/Atom feed{f' (broken XML: {problem})' if problem else ''}")
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        return Skip(label, f"broken feed XML ({problem})" if problem else "feed has no entries")
    return parsed


def _entry(
    feed_url: str,
    base: str,
    number: int,
    entry: Entry,
    site: str | None,
    fetcher: Fetcher,
    store: ArticleStore | None,
    check_robots: bool,
) -> ReadItem:
    """The entry's page (NotModified when unchanged since the last ingest), else the feed summary."""
    label = f"{feed_url}#{number}"
    link = absolute_link(base, entry.get("link"))
    if link:
        page = fetch_page(link, fetcher, label=link, store=store, check_robots=check_robots)
        if isinstance(page, NotModified):
            return page
        if isinstance(page, Document):
            return replace(
                page,
                published=page.published or _entry_date(entry),
                title=page.title or _text(entry.get("title")),
                site_name=page.site_name or site,
                summary=_plain(entry.get("summary") or "") or None,  # the topic gate reads it
            )
        log.info("feed entry %s: page unavailable (%s); using the feed summary", link, page.reason)
    return _summary_document(label, entry, site, link)


def absolute_link(base: str | None, link: object) -> str | None:
    """An entry's link as an absolute http(s) URL (relative ones resolved against ``base``), else None."""
    if not isinstance(link, str) or not link.strip():
        return None
    resolved = urljoin(base, link.strip()) if base and "://" in base else link.strip()
    parts = urlsplit(resolved)
    return resolved if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def _summary_document(label: str, entry: Entry, site: str | None, link: str | None) -> Document | Skip:
    content = entry.get("content") or []
    summary = _plain((content[0].get("value") if content else None) or entry.get("summary") or "")
    if not summary:
        return Skip(label, "entry has no reachable page and no summary")
    entry_id = _text(entry.get("id"))
    if not link and not entry_id:
        return Skip(label, "entry has neither a usable http(s) link nor an id")
    return Document(
        source=link or label,
        text=summary,
        url=link or entry_id,
        title=_text(entry.get("title")),
        published=_entry_date(entry),
        author=_text(entry.get("author")),
        site_name=site,
        origin="feed-summary",
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _entry_date(entry: Entry) -> str | None:
    for key in ("published_parsed", "updated_parsed"):
        if (value := entry.get(key)) is not None:
            return f"{value.tm_year:04d}-{value.tm_mon:02d}-{value.tm_mday:02d}"
    return entry.get("published") or entry.get("updated")


def _plain(fragment: str) -> str:
    text = _TAG.sub(" ", fragment)
    return " ".join(html.unescape(text).split())
