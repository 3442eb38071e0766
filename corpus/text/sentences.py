r"""Sentences as exact spans of a text: the one ``Span``, and two splitters side by side.

- ``SentenceSplitter`` (pysbd) cuts chunks at indexing time: it knows abbreviations well and its
  cost (about 6.7 ms per article) is paid once per article.
- ``sentence_spans`` cuts quotes at answer time, on every retrieved article for every question:
  0.09 ms per article (measured over the 147 shared articles), and it keeps a hard-wrapped line (a
  line break followed by lower case) inside one sentence, which quotes need. Quotes are re-cut from
  the article text, so they need not align with chunk sentences.
Both are offset-preserving: ``text[span.start:span.end]`` is always a verbatim, trimmed piece.

>>> text = "The U.S. acted on Aug. 26. Exports stopped.\nChina replied."
>>> [text[s.start : s.end] for s in sentence_spans(text)]
['The U.S. acted on Aug. 26.', 'Exports stopped.', 'China replied.']
>>> text = " date 2024-11-10 The U.S. ordered TSMC to halt shipments."  # a stored page's date line
>>> [text[s.start : s.end] for s in sentence_spans(text)]
['The U.S. ordered TSMC to halt shipments.']
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from typing import TYPE_CHECKING

from corpus.text.dates import MONTH_ABBREVIATIONS

if TYPE_CHECKING:
    from pysbd import Segmenter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Span:
    """A ``[start, end)`` character range of a text, with no leading or trailing whitespace."""

    start: int
    end: int


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


# -- chunking: pysbd ---------------------------------------------------------------------------
_LINE_RE = re.compile(r"[^\n]+")
_POSSIBLE_BOUNDARY = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+\S")  # no match: the line is one sentence


class SentenceSplitter:
    """Splits text into sentence spans: each line is a unit, pysbd splits lines into sentences.

    pysbd knows abbreviations ("U.S.", "Sept. 1", "No. 2"); its pieces are aligned back onto the
    original text, so spans are exact and together cover every non-blank character.
    """

    @cached_property
    def _segmenter(self) -> Segmenter:
        import pysbd

        return pysbd.Segmenter(language="en", clean=False)

    def spans(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for line in _LINE_RE.finditer(text):
            if line.group().strip():
                spans.extend(self._line_spans(text, line.start(), line.end()))
        return spans

    def _line_spans(self, text: str, start: int, end: int) -> list[Span]:
        line = text[start:end]
        if not _POSSIBLE_BOUNDARY.search(line):  # pysbd is slow; skip it when it cannot split
            return [span] if (span := _trim(text, start, end)) else []
        starts: list[int] = []
        cursor = 0
        for piece in self._segmenter.segment(line):
            piece = piece.strip()
            if not piece:
                continue
            found = line.find(piece, cursor)
            if found < 0:  # pysbd altered the piece: fold it into the previous sentence
                log.debug("sentence not found verbatim, merged: %r", piece[:40])
                continue
            starts.append(found)
            cursor = found + len(piece)
        if not starts or line[: starts[0]].strip():
            starts.insert(0, 0)
        bounds = [*starts, len(line)]
        return [span for a, b in pairwise(bounds) if (span := _trim(text, start + a, start + b)) is not None]


# -- quotes: a fast splitter -------------------------------------------------------------------
# Words that end with a period without ending a sentence ("U.S. Commerce", "Aug. 26", "Co. Ltd.").
ABBREVIATIONS = MONTH_ABBREVIATIONS | frozenset(
    """
    mr mrs ms dr prof sr jr st gen gov sen rep lt col capt sgt inc co corp ltd llc plc bros dept est
    no nos vs etc al fig approx e.g i.e u.s u.k u.n e.u a.m p.m
    """.split()
)
# A candidate end: terminal punctuation, optional closing quotes/brackets, then whitespace.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
# A line break ends a sentence unless the next line carries on in lower case (hard-wrapped wire copy).
LINE_BREAK = re.compile(r"\n(?![ \t]*[a-z])")
# The date line some stored pages open with ("date 2024-11-10 The U.S. ordered ..."): page metadata,
# never part of a sentence, so never quoted.
DATE_STAMP = re.compile(r"^[ \t]*date \d{4}-\d{2}-\d{2}\b", re.MULTILINE)


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial rather than a sentence."""
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"“'":
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))  # u.s, e.u, a.i


def _next_starts_sentence(text: str, pos: int) -> bool:
    """A sentence starts after whitespace with an upper-case letter, a digit, or an opening quote."""
    rest = text[pos:].lstrip()
    return not rest or rest[0].isupper() or rest[0].isdigit() or rest[0] in "\"“‘'(["


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``text[start:end]`` into sentences; a line break ends one unless lower case follows."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    cursor = start
    breaks: list[int] = []
    for match in _END.finditer(text, start, end):
        if match.group().startswith(".") and len(match.group()) == 1 and _is_abbreviation(text, match.start()):
            continue
        if _next_starts_sentence(text, match.end()):
            breaks.append(match.end())
    for match in LINE_BREAK.finditer(text, start, end):
        breaks.append(match.start())
    stamps = [(m.start(), m.end()) for m in DATE_STAMP.finditer(text, start, end)]
    breaks.extend(edge for stamp in stamps for edge in stamp)
    for cut in sorted(set(breaks)):
        span = _trim(text, cursor, cut)
        if span:
            spans.append(span)
        cursor = cut
    last = _trim(text, cursor, end)
    if last:
        spans.append(last)
    return [span for span in spans if not any(a <= span.start and span.end <= b for a, b in stamps)]


def is_paragraph_edge(text: str, pos: int, *, before: bool) -> bool:
    """Whether ``pos`` sits at the text's edge or next to a line break (no ellipsis needed there)."""
    if before:
        head = text[:pos].rstrip(" \t")
        return not head or head.endswith("\n")
    tail = text[pos:].lstrip(" \t")
    return not tail or tail.startswith("\n")


# A text that stops on a word, a comma or a dash stops mid-sentence: the stored text of a page was
# cut ("... for AI applica"; 102 of the 147 shared articles end so), and it goes on at its source.
_CUT_OFF = re.compile(r"[\w,;:–—-]$")


def excerpt(text: str, start: int, end: int) -> str:
    """The quote ``text[start:end]`` with an ellipsis where surrounding sentences were left out, and
    where the stored text stops mid-sentence (``_CUT_OFF``) with the quote."""
    quote = text[start:end]
    lead = "" if is_paragraph_edge(text, start, before=True) else "…"
    cut_off = not text[end:].strip() and bool(_CUT_OFF.search(quote.rstrip()))
    trail = "…" if cut_off or not is_paragraph_edge(text, end, before=False) else ""
    return f"{lead}{quote}{trail}"
