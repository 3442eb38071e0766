"""Main-text and metadata extraction from HTML pages (trafilatura), and front matter of text dumps."""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass

from corpus.clean import clean_page_text

log = logging.getLogger(__name__)

_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n(?P<body>.*?)\n(?:---|\+\+\+)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"\A#{1,2}\s+(?P<title>.+)\n")


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    published: str | None = None
    author: str | None = None
    site_name: str | None = None
    url: str | None = None
    article_id: str | None = None
    outlet: str | None = None


def extract_html(html: str, url: str | None = None) -> Extracted:
    """The page's main text (no navigation, footer, cookie banner or related links) and its metadata."""
    import trafilatura

    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        as_dict=True,
    )
    if not isinstance(result, dict) or not (result.get("text") or "").strip():
        return Extracted(text="")
    cleaned = clean_page_text(result["text"])
    return Extracted(
        text=cleaned.text,
        title=result.get("title") or cleaned.title,
        published=result.get("date"),
        author=result.get("author"),
        site_name=result.get("sitename"),
        url=url or result.get("url"),
    )


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``(metadata, body)``: YAML-style ``key: value`` between ``---`` lines, or TOML between ``+++``."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    raw, body = match.group("body"), text[match.end() :]
    if text.startswith("+++"):
        try:
            return {k.lower(): str(v) for k, v in tomllib.loads(raw).items()}, body
        except tomllib.TOMLDecodeError as exc:
            log.debug("front matter is not TOML: %s", exc)
            return {}, text
    meta: dict[str, str] = {}
    for line in raw.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and " " not in key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, body


def extract_text_dump(text: str) -> Extracted:
    """A plain-text or Markdown page dump: front matter for metadata, then the cleaned body."""
    meta, body = split_front_matter(text)
    title = meta.get("title")
    if heading := _MD_HEADING.match(body.lstrip()):
        title = title or heading.group("title").strip()
        body = body.lstrip()[heading.end() :]
    cleaned = clean_page_text(body)
    return Extracted(
        text=cleaned.text,
        title=title or cleaned.title,
        published=meta.get("published") or meta.get("date"),
        author=meta.get("author"),
        site_name=meta.get("site_name") or meta.get("sitename"),
        url=meta.get("url") or meta.get("link") or meta.get("source_url"),
        article_id=meta.get("id"),
        outlet=meta.get("source") or meta.get("outlet"),
    )
