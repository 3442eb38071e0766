"""An article's text as every question reads it: what ``evidence.Reading`` needs that does not
depend on the question, computed once per article and kept for the next questions.

Per sentence, its terms; the article's terms and their counts (for BM25); and the windows a quote
can be (runs of up to ``MAX_QUOTE_SENTENCES`` sentences of one paragraph, at most ``MAX_QUOTE_CHARS``
long) with what each is as a quote: a sentence or a heading, a caption, a line the text repeats.
A question then only looks its own terms up.

>>> from corpus.types import Article
>>> article = Article("a1", "u", "u", "Chips", "x.com", None, "Nvidia sells chips. China buys them.")
>>> layout = layout_of(article)
>>> layout.present(("chip", "china")).tolist()
[[True, False], [False, True]]
>>> [(w.first, w.size) for w in layout.windows]
[(0, 1), (0, 2), (1, 1)]
>>> layout.facts(layout.windows[1]).ends_sentence
True
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache

import numpy as np

from bot.answering.tuning import MAX_QUOTE_CHARS, MAX_QUOTE_SENTENCES
from corpus.text.dates import MONTH_NAMES
from corpus.text.sentences import LINE_BREAK, sentence_spans
from corpus.text.words import tokens
from corpus.types import Article

_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?:\[\d+\])?$")  # "... suppliers.[2]" too
_LINK = re.compile(r"(?:https?://|www\.)\S+")
_PROSE_WORD = re.compile(r"[A-Za-z]{2,}")  # words outside links: how much of a quote is prose
_NEXT_CHARACTER = re.compile(r"\S")
# A photo's caption or credit, as wires and sites write them: "FILE - Chinese Commerce Minister ...
# speaks", "(AP Photo/Andy Wong)", "Photo by ... on Unsplash", "(Photo credit: Huawei)", "Photo: ASML".
_CAPTION = re.compile(
    r"^\W*FILE(?:\s+PHOTO)?\s*[-–—:]|\bPhoto(?:\s+credit)?\s*(?::|by\b)|\((?:AP|AFP|Reuters|Getty)[^)]*Photo"
)

# Articles whose layout is kept: the articles a bot's questions keep returning to. One takes about
# 40 KB for a 12-sentence article and 250 KB for a 100-sentence one (a frozenset of terms per
# sentence, the term counts, the windows), so these take some 10-60 MB.
LAYOUT_CACHE = 256


@dataclass(frozen=True, slots=True)
class Window:
    """A candidate quote: sentences ``first .. first + size - 1`` of an article, ``text[start:end]``;
    ``index``: its place in the article's ``Layout.windows``."""

    first: int
    size: int
    start: int
    end: int
    index: int


@dataclass(frozen=True, slots=True)
class QuoteFacts:
    """What a window is as a quote, whatever the question."""

    prose_words: int  # words outside links
    # It ends as a sentence does (terminal punctuation, or the text's end): it is not a heading
    # ("Funding Updates"), a dateline cut by a line break, or a page's boilerplate line; nor a link,
    # or a word, on a line of its own.
    ends_sentence: bool
    # The text right after it begins by repeating it: a list item's name, then the item ("- Lynas
    # Rare Earths Ltd." then "- Lynas Rare Earths Ltd. is an Australian ..."), or a teaser before
    # the paragraph it opens. The longer line says all the window says.
    restated: bool
    # A photo's caption or credit (``_CAPTION``): it shows what a picture shows, which the story may
    # not say, and is never quoted.
    caption: bool


def _quote_facts(text: str, window: Window) -> QuoteFacts:
    quote = text[window.start : window.end]
    prose = len(_PROSE_WORD.findall(_LINK.sub(" ", quote)))
    after = _NEXT_CHARACTER.search(text, window.end)  # None: only white space follows
    ends = bool(_SENTENCE_END.search(quote)) or after is None
    said = quote.strip()
    restated = bool(said) and after is not None and text.startswith(said, after.start())
    return QuoteFacts(prose, ends and prose > 1, restated, bool(_CAPTION.search(quote)))


@dataclass(frozen=True, eq=False)
class Layout:
    """One article's sentences, terms and quote windows (windows ordered by first sentence, then size)."""

    text: str
    title: str
    spans: tuple[tuple[int, int], ...]
    sentence_terms: tuple[frozenset[str], ...]
    title_terms: frozenset[str]
    terms: frozenset[str]  # title, text and the month of publication ("May 2025")
    counts: Counter[str]  # how often each term occurs in the title and text
    length: int  # terms in the title and text
    firsts: np.ndarray  # per window: its first sentence
    sizes: np.ndarray  # and how many sentences it has
    starts: np.ndarray  # and its character span in the text
    ends: np.ndarray
    _facts: dict[int, QuoteFacts] = field(default_factory=dict, repr=False)  # by window index

    @cached_property
    def windows(self) -> tuple[Window, ...]:
        return tuple(
            map(
                Window,
                self.firsts.tolist(),
                self.sizes.tolist(),
                self.starts.tolist(),
                self.ends.tolist(),
                range(len(self.firsts)),
            )
        )

    def facts(self, window: Window) -> QuoteFacts:
        """What ``window`` is as a quote, worked out the first time it is asked for."""
        found = self._facts.get(window.index)
        if found is None:
            found = self._facts[window.index] = _quote_facts(self.text, window)
        return found

    @cached_property
    def headline(self) -> np.ndarray:
        """Per window, whether it is the article's title repeated in its text (a one-sentence window)."""
        found = np.zeros(len(self.firsts), dtype=bool)
        if self.title:
            title = tokens(self.title)
            for w in np.flatnonzero(self.sizes == 1).tolist():
                found[w] = tokens(self.text[self.starts[w] : self.ends[w]]) == title
        return found

    @cached_property
    def _members(self) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """For k = 1, 2, ...: the windows with more than k sentences, and their (k+1)-th sentence."""
        found = []
        for k in range(1, int(self.sizes.max(initial=0))):
            longer = np.flatnonzero(self.sizes > k)
            found.append((longer, self.firsts[longer] + k))
        return tuple(found)

    def held(self, facts: np.ndarray) -> np.ndarray:
        """Per window, whether any of its sentences holds each fact: ``facts`` has a row (or an
        element) per sentence, the result one per window."""
        facts = np.asarray(facts, dtype=bool)
        found = facts[self.firsts]  # a copy: fancy indexing
        for windows, sentences in self._members:
            found[windows] |= facts[sentences]
        return found

    def max_mean(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per window, the best and the mean of its sentences' ``values`` (one per sentence), summed in
        their own precision as ``ndarray.mean`` sums them."""
        best, total = values[self.firsts], values[self.firsts].copy()
        for windows, sentences in self._members:
            following = values[sentences]
            best[windows] = np.maximum(best[windows], following)
            total[windows] += following
        return best, total / self.sizes.astype(total.dtype)

    def present(self, terms: Sequence[str]) -> np.ndarray:
        """``[i, j]``: sentence ``i`` holds ``terms[j]``."""
        present = [[t in holds for t in terms] for holds in self.sentence_terms]
        return np.array(present, dtype=bool).reshape(len(self.spans), len(terms))


def layout_of(article: Article, spans: np.ndarray | None = None) -> Layout:
    """The layout of ``article``, whose sentences are ``spans`` ((start, end) rows, as stored at
    indexing time), or split here when None; the same object again for the same article and spans."""
    if spans is None:
        spans = np.asarray([(s.start, s.end) for s in sentence_spans(article.text)], dtype=np.int64)
    packed = np.ascontiguousarray(spans, dtype=np.int64).reshape(-1, 2).tobytes()
    return _layout(article.text, article.title or "", article.published, packed)


def forget_layouts() -> None:
    """Drop the kept layouts: the next question reads each article afresh (as ``bench/`` measures)."""
    _layout.cache_clear()


@lru_cache(maxsize=LAYOUT_CACHE)
def _layout(text: str, title: str, published: date | None, packed: bytes) -> Layout:
    spans = np.frombuffer(packed, dtype=np.int64).reshape(-1, 2)
    pairs = tuple((a, b) for a, b in spans.tolist())
    sentence_terms = tuple(frozenset(tokens(text[a:b])) for a, b in pairs)
    title_terms = frozenset(tokens(title))
    dated = f"{MONTH_NAMES[published.month - 1]} {published.year}" if published else ""
    every = tokens(f"{title}\n{text}")
    firsts, sizes, starts, ends = _windows(text, spans)
    return Layout(
        text=text,
        title=title,
        spans=pairs,
        sentence_terms=sentence_terms,
        title_terms=title_terms,
        terms=title_terms.union(*sentence_terms, tokens(dated)),
        counts=Counter(every),
        length=len(every),
        firsts=firsts,
        sizes=sizes,
        starts=starts,
        ends=ends,
    )


def _windows(text: str, spans: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each window's first sentence, size and character span, by first sentence then size."""
    n = len(spans)
    starts, ends = spans[:, 0], spans[:, 1]
    breaks = np.array([m.start() for m in LINE_BREAK.finditer(text)], dtype=np.int64)
    firsts, sizes = [np.arange(n)], [np.ones(n, dtype=np.int64)]
    ok = np.ones(n, dtype=bool)
    for size in range(2, MAX_QUOTE_SENTENCES + 1):
        first = np.arange(max(n - size + 1, 0))
        last_end = ends[first + size - 1]
        no_break = np.searchsorted(breaks, starts[first]) == np.searchsorted(breaks, last_end)
        ok = ok[: len(first)] & (last_end - starts[first] <= MAX_QUOTE_CHARS) & no_break
        firsts.append(first[ok])
        sizes.append(np.full(int(ok.sum()), size, dtype=np.int64))
    first_all, size_all = np.concatenate(firsts), np.concatenate(sizes)
    order = np.lexsort((size_all, first_all))
    first_all, size_all = first_all[order], size_all[order]
    return first_all, size_all, starts[first_all], ends[first_all + size_all - 1]
