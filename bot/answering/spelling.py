"""Names a question misspells: "nvida" is Nvidia when the articles know Nvidia and no word "nvida".

A misspelt name matches no article word, so the keyword search misses it and the name features
read it as a name no article mentions, which pushes the answer towards abstaining. A word the
indexed articles never use is read as one of the names they do write (``TermWeights.proper``) when
exactly one is that close: one edit (a letter left out, added, changed, or two swapped) for words
of five to eight letters, two for longer ones. Shorter words and names are left alone ("Iraq" is
not a misspelt "Iran"), and so are lower-case words of a question that writes its names with
capitals ("swept" is not a misspelt "Sept"). Distances are rapidfuzz's optimal string alignment.

>>> weights = TermWeights.from_texts(
...     ["x"], ["Shares of Nvidia and Nexperia fell, as did those of Nvidia and Nexperia."]
... )
>>> correct_names("did nvida buy nexpeira?", weights)
Corrected(text='did Nvidia buy Nexperia?', names=('Nvidia', 'Nexperia'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.answering.terms import SHORTEST_NAME, TermWeights
from corpus.text.words import STOPWORDS, tokens

LONG = 9  # from this many letters, two edits
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")


@dataclass(frozen=True)
class Corrected:
    text: str  # the question with its misspelt names spelt as the articles write them
    names: tuple[str, ...] = ()  # those names, in question order


def correct_names(question: str, weights: TermWeights) -> Corrected:
    """The question with each word the articles never use, and one of their names is that close to,
    replaced by that name."""
    choices = weights.proper_choices
    if not choices:
        return Corrected(question)
    cased = any(ch.isupper() for ch in question[1:])  # the writer capitalises names
    pieces, names, end = [], [], 0
    for match in _WORD.finditer(question):
        word = match.group()
        if cased and not word[0].isupper():
            continue
        name = _closest(word, choices, weights)
        if name is None:
            continue
        pieces += [question[end : match.start()], name]
        names.append(name)
        end = match.end()
    if not names:
        return Corrected(question)
    return Corrected("".join([*pieces, question[end:]]), tuple(dict.fromkeys(names)))


def _closest(word: str, choices: tuple[str, ...], weights: TermWeights) -> str | None:
    lower = word.lower()
    if len(word) < SHORTEST_NAME or lower in STOPWORDS or lower in weights.proper:
        return None
    if any(weights.known(term) for term in tokens(word)):
        return None  # a word the articles use is not a misspelling
    most = 2 if len(word) >= LONG else 1
    found = process.extract(lower, choices, scorer=OSA.distance, score_cutoff=most, limit=2)
    if not found or (len(found) > 1 and found[1][1] == found[0][1]):
        return None  # nothing that close, or two names equally close
    return weights.proper[found[0][0]]
