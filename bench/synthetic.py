"""Synthetic chunk texts for the scale benchmark, shaped like a large news corpus's.

The shared corpus alone has only ~5.7k word types, so texts drawn from it alone put every query
word in tens of thousands of chunks at 1M: far denser postings than real news. A real news corpus
of 1M chunks (~60M words) holds a few hundred thousand word types (Heaps' law; Reuters RCV1's
~200M words hold ~400k types) with Zipf frequencies (exponent ~1): function words in every chunk,
most types (names, numbers, model codes) in a handful. So each synthetic chunk is:

- ``REAL_WORDS`` consecutive words of a real article from the shared corpus (real sentences, so the
  dev questions' words co-occur as they do in real coverage), plus
- ``WORDS_PER_CHUNK - REAL_WORDS`` words drawn with Zipf frequencies (exponent 1) from a
  ``VOCABULARY``-type vocabulary: the shared corpus's own words at their frequency ranks, then
  generated names, numbers and model codes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

WORDS_PER_CHUNK, REAL_WORDS = 60, 30
VOCABULARY = 300_000
_WORD = re.compile(r"[^\W_]+")

DESCRIPTION = (
    f"synthetic texts: {REAL_WORDS} consecutive words of a real shared-corpus article + "
    f"{WORDS_PER_CHUNK - REAL_WORDS} words drawn Zipf(1) from a {VOCABULARY:,}-type vocabulary "
    "(corpus words by frequency, then generated names/numbers/model codes)"
)


_SYLLABLES = [
    o + v + c
    for o in [*"bcdfghjklmnprstvwz", "ch", "sh", "th", "tr"]
    for v in "aeiou"
    for c in ("", "n", "r", "s", "k")
]


def _generated_words(count: int, taken: set[str], rng: np.random.Generator) -> list[str]:
    """Distinct name-like words (2-4 syllables, 65%), numbers (20%) and model codes (15%), none
    already ``taken``."""
    words: dict[str, None] = {}
    while len(words) < count:
        m = 2 * (count - len(words))
        kind = rng.random(m)
        syllables = rng.integers(len(_SYLLABLES), size=(m, 4))
        lengths = rng.integers(2, 5, size=m)
        numbers = rng.integers(10, 10_000_000, size=m)
        letters = rng.integers(ord("a"), ord("z") + 1, size=(m, 2))
        for i in range(m):
            if kind[i] < 0.65:
                word = "".join(_SYLLABLES[k] for k in syllables[i, : lengths[i]])
            elif kind[i] < 0.85:
                word = str(numbers[i])
            else:
                word = chr(letters[i, 0]) + (chr(letters[i, 1]) if kind[i] < 0.9 else "") + str(numbers[i] % 10_000)
            if word not in taken:
                words.setdefault(word, None)
    return list(words)[:count]


class TextSampler:
    def __init__(self, corpus_file: Path, rng: np.random.Generator) -> None:
        articles = [json.loads(line)["text"] for line in corpus_file.open()]
        self._tokens = [_WORD.findall(text) for text in articles]
        self._tokens = [t for t in self._tokens if len(t) > REAL_WORDS]
        counts = Counter(w.lower() for tokens in self._tokens for w in tokens)
        real = [w for w, _ in counts.most_common()]
        self.words = real + _generated_words(VOCABULARY - len(real), set(real), rng)
        weights = 1.0 / np.arange(1, len(self.words) + 1)
        self._p = weights / weights.sum()

    def texts(self, n: int, rng: np.random.Generator) -> list[str]:
        drawn = rng.choice(len(self.words), size=(n, WORDS_PER_CHUNK - REAL_WORDS), p=self._p)
        articles = rng.integers(len(self._tokens), size=n)
        out = []
        for i in range(n):
            tokens = self._tokens[articles[i]]
            start = int(rng.integers(len(tokens) - REAL_WORDS))
            out.append(" ".join(tokens[start : start + REAL_WORDS]) + " " + " ".join(self.words[w] for w in drawn[i]))
        return out
