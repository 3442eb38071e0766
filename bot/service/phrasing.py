"""How people type a labelled question in chat, for `chipbot eval --asked`: how much answers lean on form.

- ``as-written``: the question as its writer wrote it;
- ``lower-case``: all in lower case;
- ``misspelt``: the longest word of six letters or more among its names (as the answer engine reads
  names: ``terms.entities``) with one slip of the keyboard: two middle letters swapped or the middle
  letter left out, chosen by a hash of the question, so every run asks the same thing. Questions
  with no such name are asked as written.

- ``framed``: opened and closed the way chat questions are ("hey, quick question: ", "Can you tell
  me ", "Do you know "; " thanks!", " pls"), each chosen by a hash of the question; its first word
  is written in lower case after the opening unless it is a name ("Can you tell me which ...").

The answer models are trained on the questions as written; only the asking changes.

>>> as_asked("Which firm owns Nexperia?", "misspelt")
'Which firm owns Nexpria?'
>>> as_asked("Which firm owns Nexperia?", "lower-case")
'which firm owns nexperia?'
>>> as_asked("Which firm owns Nexperia?", "framed")
'hi! which firm owns Nexperia?'
"""

from __future__ import annotations

import hashlib
import re

from bot.answering.terms import entities
from corpus.text.words import QUESTION_WORDS, STOPWORDS

STYLES = ("as-written", "lower-case", "misspelt", "framed")
OPENINGS = ("hey, quick question: ", "Can you tell me ", "Do you know ", "hi! ", "I'd like to know ")
CLOSINGS = ("", " thanks!", " pls", "")
_LONG_WORD = re.compile(r"\b[A-Za-z]{6,}\b")


def _slip(word: str, question: str) -> str:
    middle = len(word) // 2
    if hashlib.sha256(question.encode()).digest()[0] % 2:
        return word[:middle] + word[middle + 1 :]
    return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]


def _opened(question: str) -> str:
    opening = OPENINGS[hashlib.sha256(question.encode()).digest()[1] % len(OPENINGS)]
    first, _, rest = question.partition(" ")
    if first.lower() in QUESTION_WORDS or first.lower() in STOPWORDS:  # "Which", "In", "Did"; not "Nvidia"
        first = first.lower()
    closing = CLOSINGS[hashlib.sha256(question.encode()).digest()[2] % len(CLOSINGS)]
    return (f"{opening}{first} {rest}".rstrip() if rest else f"{opening}{first}") + closing


def as_asked(question: str, style: str) -> str:
    """``question`` typed in ``style`` (one of ``STYLES``)."""
    if style == "lower-case":
        return question.lower()
    if style == "misspelt":
        words = [w for name in entities(question) for w in _LONG_WORD.findall(name)]
        if words:
            word = max(words, key=len)
            return re.sub(rf"\b{word}\b", _slip(word, question), question, count=1)
        return question
    if style == "framed":
        return _opened(question)
    if style == "as-written":
        return question
    raise ValueError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
