"""Cleaning of scraped page text: keep the article body, drop site furniture.

The rules are general, block by block (a block is a run of non-blank lines): navigation and widget
lines, "Also read:" / "Related" link lists, photo captions with their credit, agency credit lines
("- Reuters, with additional editing by ..."), the author bio at the end, and a page-end widget of
other stories ("You might also like", then titles and teasers of other articles).

``clean_page_text`` cleans a scraped page; ``strip_furniture`` takes from an article text that came
already extracted (a JSONL record's, unedited) only what is surely the page's: lines that are nothing
but navigation or advertisement labels, and a page-end widget. A record's text keeps its captions and
subheadings, which the answer engine reads itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAV_LINE = re.compile(
    r"^(?:fbpx|type to search|search(?: for)?\.{0,3}|skip to (?:main )?content|menu|close|home|"
    r"toggle navigation|main menu|sign in|log ?in|sign up|register|subscribe(?: now)?|newsletter|"
    r"share(?: this(?: article)?)?(?: on \w+)?|tweet|print|email|whatsapp|facebook|twitter|linkedin|x|"
    r"advertisement|sponsored|scroll to top|back to top|next article|previous article|load more|"
    r"read more|continue reading|listen to (?:this )?article|\d+ min(?:ute)? read|"
    r"accept(?: all)?(?: cookies)?|reject all|cookie settings|manage (?:cookies|preferences)|"
    r"all rights reserved\.?|©.*|copyright .*|\[?email(?:\u00a0| )protected\]?)$",
    re.IGNORECASE,
)
_COOKIE = re.compile(
    r"\b(?:we use cookies|this (?:web)?site uses cookies|by continuing to (?:use|browse))\b", re.IGNORECASE
)
_CREDIT_LINE = re.compile(
    r"^(?:\(?(?:photo|image|picture|video|file photo|illustration|graphic)s?(?: credit)?\s*(?::|by\b)"
    r"|credit\s*:|source\s*:\s*(?:reuters|ap|afp|getty|bloomberg)\b|.*\b(?:getty images|shutterstock|"
    r"reuters/[A-Z]|afp via getty|ap photo)\b)",
    re.IGNORECASE,
)
_LIST_HEADER = re.compile(
    r"^(?:also (?:read|see|on [\w .&-]+)|read (?:also|more|next)|see also|related(?: (?:articles|stories|news|"
    r"coverage|reading))?|more (?:from|on|stories)\b.*|recommended(?: for you)?|you (?:may|might) also like|"
    r"popular|most read|trending|latest news|top stories|further reading)\s*:?\s*",
    re.IGNORECASE,
)
_AGENCY_CREDIT = re.compile(
    r"^\W{0,3}\s*(?:[-\u2013\u2014\u2022]\s*)?(?:\(?reporting by\b|\(?additional reporting\b|\(?editing by\b|"
    r"\(?writing by\b|(?:reuters|ap|afp|bloomberg|xinhua|kyodo|yonhap|dpa)\b"
    r"(?:\s*,\s*with\b.*|\s*$|\s+contributed\b.*))",
    re.IGNORECASE,
)
_BIO_START = re.compile(r"^(?P<name>(?:[A-Z][\w'.-]+\s){1,3}[A-Z][\w'.-]+) (?:is|was|has been|covers|writes|reports)\b")
_BIO_HINT = re.compile(
    r"\b(?:editor|reporter|correspondent|journalist|writer|columnist|contributor|producer|analyst|"
    r"write to (?:him|her|them)|follow (?:him|her|them)|has worked|email protected)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?\u201d\"')\]]\s*$")
# A heading of its own that opens a page's lists of other stories. Past the middle of a text it ends
# the article: what follows (other stories' titles and teasers, "More From Author") is the page's.
_WIDGET = re.compile(
    r"^(?:you (?:may|might) (?:also )?like|recommended(?: for you)?|more from (?:the )?author|"
    r"most (?:read|popular|viewed)|trending(?: now)?|don[\u2019']?t miss(?: (?:these|this|out))?|"
    r"editor[\u2019']?s picks?|more stories|read next)\s*:?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CleanedPage:
    text: str
    title: str | None  # the first headline-like block, when the page had one before the body


def _blocks(text: str) -> list[str]:
    """Paragraphs: runs of non-blank lines, or single lines when the text has no blank lines at all."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(not line.replace("\u00a0", " ").strip() for line in lines):
        return [line.replace("\u00a0", " ").strip() for line in lines]
    blocks, current = [], []
    for line in lines:
        if line.replace("\u00a0", " ").strip():
            current.append(line.replace("\u00a0", " ").strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def _is_headline(block: str) -> bool:
    """A short single line without closing punctuation: a headline, a sub-heading or a link title."""
    return "\n" not in block and len(block.split()) <= 20 and not _SENTENCE_END.search(block)


def _is_junk_line(line: str) -> bool:
    return bool(_NAV_LINE.match(line) or _COOKIE.search(line) or _AGENCY_CREDIT.match(line))


_LABEL_WORDS = 8  # "Copyright 2025 Reuters. All rights reserved." is a label; a sentence runs longer


def _widget_start(text: str) -> int | None:
    """Where a page-end widget of other stories begins in ``text`` (its heading's line), or None: a
    ``_WIDGET`` heading on a line of its own, past the middle of the text."""
    position = 0
    for line in text.split("\n"):
        if position > len(text) / 2 and _WIDGET.match(line.strip()):
            return position
        position += len(line) + 1
    return None


def _is_label(line: str) -> bool:
    """A junk line short enough to be a label, not a sentence that happens to open like one
    ("Copyright law protects chip layouts, the court said, ...")."""
    return bool(line) and len(line.split()) <= _LABEL_WORDS and _is_junk_line(line)


def strip_furniture(text: str) -> str:
    """``text`` without the lines that are only navigation, cookie or advertisement labels ("Skip to
    main content", "ADVERTISEMENT") and without a page-end widget of other stories. Every other line
    stays as it was, so what is quoted from the result is verbatim the article's.

    >>> strip_furniture("Skip to main content\\nThe rule took effect.\\n\\nYou might also like\\nOther story")
    'The rule took effect.'
    """
    end = _widget_start(text)
    kept = [line for line in text[:end].split("\n") if not _is_label(line.strip())]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def clean_page_text(raw: str) -> CleanedPage:
    """The article body of a scraped page dump, and its headline when found before the body."""
    end = _widget_start(raw)
    blocks = _blocks(raw[:end])
    kept: list[str] = []
    title: str | None = None
    in_link_list = False
    for i, block in enumerate(blocks):
        lines = [ln for ln in block.split("\n") if not _is_junk_line(ln)]
        if not lines:
            continue
        block = "\n".join(lines)
        header = _LIST_HEADER.match(block)
        if header:  # "Also read:" alone opens a link list; "Also on AF: <headline>" is one link
            in_link_list = header.end() == len(block) or block.rstrip().endswith(":")
            continue
        if in_link_list and _is_headline(block):
            continue
        in_link_list = False
        if any(_CREDIT_LINE.match(ln) for ln in lines):  # a caption with its credit line
            continue
        if _is_bio(block) or (_is_name_line(block) and i + 1 < len(blocks) and _is_bio(blocks[i + 1])):
            continue
        if title is None and not kept and _is_headline(block):
            title = block
            continue
        kept.append(block)
    while kept and _is_headline(kept[-1]) and len(kept[-1].split()) <= 4:  # stray bylines/labels at the end
        kept.pop()
    return CleanedPage(text="\n\n".join(kept), title=title)


def _is_bio(block: str) -> bool:
    match = _BIO_START.match(block)
    return bool(match) and bool(_BIO_HINT.search(block))


def _is_name_line(block: str) -> bool:
    words = block.split()
    return "\n" not in block and 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words)
