"""Names a question misspells: "nvida" is Nvidia when the articles know Nvidia and no word "nvida".

A misspelt name matches no article word, so the keyword search misses it and the name features
read it as a name no article mentions, which pushes the answer towards abstaining. A word the
indexed articles never use is read as one of the names they do write (``TermWeights.proper``) when
exactly one is that close: one edit (a letter left out, added, changed, or two swapped) for words
of five to eight letters, two for longer ones. Shorter words and names are left alone ("Iraq" is
not a misspelt "Iran"), and so are lower-case words of a question that writes its names with
capitals ("swept" is not a misspelt "Sept"). A capitalised word of such a question may also be a
word the articles capitalise only in some name ("Strtaegic Items List": Strategic), at one edit.
Of names equally close, the one most articles use is read. Distances are rapidfuzz's optimal
string alignment.

>>> weights = TermWeights.from_texts(
...     ["x"], ["Shares of Nvidia and Nexperia fell, as did those of Nvidia and Nexperia."]
... )
>>> corrected = correct_names("did nvida buy nexpeira?", weights)
>>> corrected.text, corrected.respelt
('did Nvidia buy Nexperia?', (('nvida', 'Nvidia'), ('nexpeira', 'Nexperia')))
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.answering.terms import SHORTEST_NAME, TermWeights
from corpus.text.words import STOPWORDS, tokens

LONG = 9  # from this many letters, two edits
_WORD = re.compile(r"[A-Za-z]+")  # "Nijmgen-based": each part on its own


@dataclass(frozen=True)
class Corrected:
    text: str  # the question with its misspelt names spelt as the articles write them
    respelt: tuple[tuple[str, str], ...] = ()  # (as written, as read) per misspelt word, in question order


def correct_names(question: str, weights: TermWeights) -> Corrected:
    """The question with each word the articles never use, and one of their names is that close to,
    replaced by that name."""
    if not weights.named_choices:  # the proper words are among the named ones
        return Corrected(question)
    cased = any(ch.isupper() for ch in question[1:])  # the writer capitalises names
    pieces, respelt, end = [], [], 0
    for match in _WORD.finditer(question):
        word = match.group()
        if cased and not word[0].isupper():
            continue
        # A capitalised word is a name, or a word of one ("Strtaegic Items List"); in lower case,
        # only the words the articles nearly always write capitalised are names.
        name = _closest(word, weights, cased)
        if name is None:
            continue
        pieces += [question[end : match.start()], name]
        respelt.append((word, name))
        end = match.end()
    if not respelt:
        return Corrected(question)
    return Corrected("".join([*pieces, question[end:]]), tuple(dict.fromkeys(respelt)))


def _closest(word: str, weights: TermWeights, cased: bool) -> str | None:
    """The name ``word`` misspells, if one is close enough and no other as close is as used;
    ``cased``: the question capitalises its names, so a capitalised word may be a word of one."""
    lower = word.lower()
    if len(word) < SHORTEST_NAME or lower in STOPWORDS or lower in weights.proper:
        return None
    if any(weights.known(term) for term in tokens(word)):
        return None  # a word the articles use is not a misspelling
    names, choices = (weights.named, weights.named_choices) if cased else (weights.proper, weights.proper_choices)
    most = 2 if len(word) >= LONG else 1
    found = process.extract(lower, choices, scorer=OSA.distance, score_cutoff=most, limit=None)
    # Two edits only to a name: "Unverified" is not a misspelt "Verified", a word of names.
    close = [(name, int(edits)) for name, edits, _ in found if edits <= 1 or name in weights.proper]
    if not close:
        return None
    # Of names equally close, the one the articles use most ("Washington", not a page's "Washinton").
    fewest = min(edits for _, edits in close)
    ranked = sorted((-_used(name, weights), name) for name, edits in close if edits == fewest)
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None  # two names equally close and equally used
    return names[ranked[0][1]]


def _used(word: str, weights: TermWeights) -> int:
    """In how many articles the word is used (its least used term, for a word of several)."""
    return min((weights.document_frequency.get(t, 0) for t in tokens(word)), default=0)
