"""Sentence-aware chunks with exact character spans, sized for the embedding model's window."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache

from corpus.text.sentences import SentenceSplitter, Span
from corpus.text.wordpieces import TokenCounter, WordPieceCounter
from corpus.types import Article, Chunk

DEFAULT_MAX_TOKENS = 200  # the model reads 256 word pieces; the title and special tokens need room
DEFAULT_MAX_SENTENCES = 5
DEFAULT_OVERLAP = 1  # sentences repeated at the start of the next chunk


def chunk_id(article_id: str, start: int, end: int, text: str) -> str:
    digest = hashlib.sha1(f"{article_id}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()
    return f"c-{digest[:20]}"


class Chunker:
    """Packs consecutive sentences into chunks of at most ``max_tokens`` word pieces.

    A sentence longer than the budget is cut at word boundaries. Consecutive chunks share
    ``overlap`` sentences so that no statement loses its context at a chunk edge.
    """

    def __init__(
        self,
        splitter: SentenceSplitter,
        count_tokens: TokenCounter,
        *,
        max_sentences: int = DEFAULT_MAX_SENTENCES,
        overlap: int = DEFAULT_OVERLAP,
    ) -> None:
        if overlap >= max_sentences:
            raise ValueError("overlap must be smaller than max_sentences")
        self._splitter = splitter
        self._count = count_tokens
        self._max_sentences = max_sentences
        self._overlap = overlap

    def chunk(self, article: Article, max_tokens: int = DEFAULT_MAX_TOKENS) -> list[Chunk]:
        text = article.text
        units = self._units(text, self._splitter.spans(text), max_tokens)
        chunks: list[Chunk] = []
        for first, last in self._pack([n for _, n in units], max_tokens):
            start, end = units[first][0].start, units[last][0].end
            piece = text[start:end]
            chunks.append(
                Chunk(
                    id=chunk_id(article.id, start, end, piece),
                    article_id=article.id,
                    ordinal=len(chunks),
                    start=start,
                    end=end,
                    text=piece,
                )
            )
        return chunks

    def _units(self, text: str, spans: Sequence[Span], max_tokens: int) -> list[tuple[Span, int]]:
        counts = self._count([text[s.start : s.end] for s in spans])
        units: list[tuple[Span, int]] = []
        for span, count in zip(spans, counts, strict=True):
            if count <= max_tokens:
                units.append((span, count))
            else:
                units.extend(self._split_long(text, span, max_tokens))
        return units

    def _split_long(self, text: str, span: Span, max_tokens: int) -> list[tuple[Span, int]]:
        """Cut an over-long sentence at whitespace into pieces within the budget."""
        words = _word_spans(text, span, max_tokens)
        counts = self._count([text[w.start : w.end] for w in words])
        pieces: list[tuple[Span, int]] = []
        start, total = words[0].start, 0
        for i, (word, count) in enumerate(zip(words, counts, strict=True)):
            if total and total + count > max_tokens:
                pieces.append((Span(start, words[i - 1].end), total))
                start, total = word.start, 0
            total += count
        pieces.append((Span(start, words[-1].end), total))
        return pieces

    def _pack(self, counts: list[int], max_tokens: int) -> list[tuple[int, int]]:
        """Inclusive ``(first, last)`` unit ranges of each chunk."""
        ranges: list[tuple[int, int]] = []
        first = 0
        while first < len(counts):
            last, total = first, counts[first]
            while (
                last + 1 < len(counts)
                and last + 1 - first < self._max_sentences
                and total + counts[last + 1] <= max_tokens
            ):
                last += 1
                total += counts[last]
            ranges.append((first, last))
            if last + 1 >= len(counts):
                break
            first = max(last + 1 - self._overlap, first + 1)
            if sum(counts[first : last + 2]) > max_tokens:  # no room for the overlap: skip it
                first = last + 1
        return ranges


def _word_spans(text: str, span: Span, max_chars: int) -> list[Span]:
    """Whitespace-separated words of a span; a word longer than ``max_chars`` is cut (a word piece
    covers at least one character, so a cut of ``max_chars`` characters fits the budget)."""
    words: list[Span] = []
    i = span.start
    while i < span.end:
        if text[i].isspace():
            i += 1
            continue
        j = i
        while j < span.end and not text[j].isspace():
            j += 1
        for k in range(i, j, max_chars):
            words.append(Span(k, min(k + max_chars, j)))
        i = j
    return words


@cache
def default_chunker() -> Chunker:
    """The chunker used by :func:`chunk_article`: pysbd sentences, the packaged model's tokenizer."""
    return Chunker(SentenceSplitter(), WordPieceCounter().count_many)


def chunk_article(article: Article, max_tokens: int = DEFAULT_MAX_TOKENS) -> list[Chunk]:
    """Sentence-aware chunks of ``article.text``; ``article.text[c.start:c.end] == c.text`` for each."""
    return default_chunker().chunk(article, max_tokens)
