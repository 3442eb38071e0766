"""Names in a question and term weights: the lexical signals behind lead selection and abstention.

Words, stopwords and stems come from the shared toolkit (``corpus.text.words``)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property

from corpus.text.dates import MONTHS
from corpus.text.words import QUESTION_WORDS, STOPWORDS, tokens
from corpus.types import Article

# Capitalised words that name no particular thing: months, days, and acronyms every article uses.
GENERIC_NAMES = frozenset(MONTHS) | frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday ai us u.s usa eu uk ceo cfo gpu gpus chip chips
    q1 q2 q3 q4 fy
    """.split()
)

# A word the articles write capitalised mid-sentence at least this share of the times they use it
# (and at least twice) is a name when a question writes it in lower case ("tsmc", "kumamoto"):
# people type questions in lower case, and the names are what the name features read.
PROPER_SHARE = 0.9
PROPER_SEEN = 2
# A misspelt name (``spelling``) is read only between words of this many letters and more: shorter
# ones are too close to other words to tell a slip from a different name ("Iraq", "Iran"; "swept", "Sept").
SHORTEST_NAME = 5
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&\-]*")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:;])\s+|\n+")

_ENTITY = re.compile(r"\b(?:[A-Z][a-zA-Z0-9&\-]+|[A-Z]{2,}[0-9A-Za-z\-]*)(?:\s+(?:[A-Z][a-zA-Z0-9&\-]+))*")


def _looks_like_name(words: list[str], at_start: bool) -> bool:
    """A lone capitalised word opening the question ("Apart from China ...") is just capitalised;
    acronyms, words with digits and multi-word names are names wherever they stand."""
    if len(words) > 1 or not at_start:
        return True
    word = words[0]
    return word.isupper() or any(ch.isdigit() for ch in word) or any(ch.isupper() for ch in word[1:])


def name_words(texts: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """How these texts write words where no sentence opens, as two maps of lower-cased words to the
    capitalised spelling they use most ("nvidia": "Nvidia", "tsmc": "TSMC"):
    - *proper*: the words they nearly always write capitalised ("nvidia", "kumamoto", "h200"; not
      "chips", which is also written in lower case): names wherever a question writes them;
    - *named*: every word they write capitalised somewhere, the proper ones and the words of names
      ("strategic" in "Strategic Trade Act"): what a capitalised word of a question may misspell."""
    written: dict[str, Counter[str]] = {}
    seen: Counter[str] = Counter()
    for text in texts:
        for sentence in _SENTENCE_BREAK.split(text):
            found = _WORD.findall(sentence)[1:]
            seen.update(w.lower() for w in found)
            for w in found:
                if w[0].isupper():
                    written.setdefault(w.lower(), Counter())[w] += 1
    named = {w: forms.most_common(1)[0][0] for w, forms in sorted(written.items())}
    proper = {
        w: spelled
        for w, spelled in named.items()
        if len(w) > 1 and seen[w] >= PROPER_SEEN and written[w].total() >= PROPER_SHARE * seen[w]
    }
    return proper, named


def _lower_case_names(question: str, proper: Mapping[str, str]) -> list[tuple[int, str]]:
    """Runs of lower-case words the corpus writes as names ("south korea"), with where they start."""
    runs: list[tuple[int, list[str]]] = []
    end = -1
    for match in _WORD.finditer(question):
        word = match.group()
        lower = word.lower()
        if not (word[0].islower() and lower in proper) or lower in STOPWORDS | QUESTION_WORDS | GENERIC_NAMES:
            end = -1
            continue
        if runs and end >= 0 and not question[end : match.start()].strip():
            runs[-1][1].append(word)
        else:
            runs.append((match.start(), [word]))
        end = match.end()
    return [(start, " ".join(words)) for start, words in runs]


def entities(question: str, proper: Mapping[str, str] | None = None) -> list[str]:
    """Capitalised names and acronyms in a question ("Tata Electronics", "ASML"), minus question words,
    and the words of ``proper`` it writes in lower case ("tsmc": see ``name_words``)."""
    found: list[tuple[int, str]] = _lower_case_names(question, proper or {})
    for match in _ENTITY.finditer(question):
        words = match.group().split()
        dropped = 0
        while words and words[0].lower() in STOPWORDS | QUESTION_WORDS:
            words.pop(0)
            dropped += 1
        at_start = not question[: match.start()].strip() and dropped == 0
        if (
            words
            and not all(w.lower().rstrip(".") in GENERIC_NAMES for w in words)
            and _looks_like_name(words, at_start)
        ):
            found.append((match.start(), " ".join(words)))
    return [name for _, name in sorted(found)]


_ACRONYM = re.compile(r"[A-Z][A-Z&]*[A-Z]")
_LINKING = r"(?:\s+(?:and|of|for|the|on|&)\b)*\s+"


@cache
def acronym_pattern(acronym: str) -> re.Pattern[str] | None:
    """A pattern for the spelled-out form of an acronym: "CSIS" finds "Center for Strategic and
    International Studies", "R&D" "research and development", "USTR" "U.S. Trade Representative"
    (None for non-acronyms)."""
    if not _ACRONYM.fullmatch(acronym):
        return None
    letters = [c for c in acronym if c.isalpha()]
    if len(letters) < 2:
        return None
    pieces = [rf"{c}(?:[a-z]+{_LINKING}|\.\s*)" for c in letters[:-1]]
    body = "".join(pieces) + rf"{letters[-1]}(?:[a-z]+|\.)"
    return re.compile(rf"\b{body}\b", re.I)


@dataclass(frozen=True)
class TermWeights:
    """Document frequencies over the indexed articles (title and text): rare words count for more.

    >>> weights = TermWeights.from_texts(["Nvidia H20 exports", "Nvidia earnings", "ASML exports"])
    >>> weights.idf("h20") > weights.idf("nvidia"), round(weights.mean_length, 2)
    (True, 2.33)
    """

    document_frequency: dict[str, int]
    documents: int
    mean_length: float = 1.0  # terms per article, for BM25's length normalisation
    proper: Mapping[str, str] = field(default_factory=dict)  # words the articles write as names (``name_words``)
    # words the articles write capitalised somewhere no sentence opens, as part of a name ("Strategic"
    # in "Strategic Trade Act"), each in its most used capitalised form: what a misspelt capitalised word may be
    named: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_texts(cls, texts: Iterable[str], prose: Iterable[str] = ()) -> TermWeights:
        """``texts``: each article's title and text; ``prose``: the texts without their titles, whose
        capitals say which words are names (a title capitalises every word)."""
        frequency: Counter[str] = Counter()
        documents = length = 0
        for text in texts:
            terms = tokens(text)
            documents += 1
            length += len(terms)
            frequency.update(set(terms))
        proper, named = name_words(prose)
        return cls(dict(frequency), documents, length / documents if documents else 1.0, proper, named)

    @classmethod
    def from_articles(cls, articles: Iterable[Article]) -> TermWeights:
        """The weights over these articles (title and text), and the words their texts write as names."""
        listed = list(articles)
        return cls.from_texts((f"{a.title or ''}\n{a.text}" for a in listed), (a.text for a in listed))

    def idf(self, term: str) -> float:
        """The weight of a question term in coverage shares."""
        seen = self.document_frequency.get(term, 0)
        return math.log((self.documents + 1) / (seen + 0.5))

    def bm25_idf(self, term: str) -> float:
        """BM25's (Lucene's) inverse document frequency: never negative."""
        seen = self.document_frequency.get(term, 0)
        return math.log(1 + (self.documents - seen + 0.5) / (seen + 0.5))

    def known(self, term: str) -> bool:
        return term in self.document_frequency

    @cached_property
    def proper_choices(self) -> tuple[str, ...]:
        """The names a misspelt word may be read as (``spelling``): proper words of ``SHORTEST_NAME``+ letters."""
        return tuple(w for w in self.proper if len(w) >= SHORTEST_NAME and w.isalpha())

    @cached_property
    def named_choices(self) -> tuple[str, ...]:
        """What a misspelt capitalised word may be read as: ``named`` words of ``SHORTEST_NAME``+ letters."""
        return tuple(w for w in self.named if len(w) >= SHORTEST_NAME and w.isalpha())
