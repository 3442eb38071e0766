"""Check a generated answer against its snippets: every sentence cites a snippet that supports it.

Pure. "Supports" is checked by overlap: most of a sentence's content words, and every number it
states, must appear in the snippets it cites. Links and mass mentions are refused outright: a
snippet carrying injected instructions must not turn into a link or a ping in our answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.text.sentences import sentence_spans
from corpus.text.words import content_terms, tokens

MIN_SUPPORT = 0.7  # share of a sentence's content words found in the snippets it cites
_MARKER = re.compile(r"\[(\d+)\]")
_TRAILING_MARKERS = re.compile(r"([.!?])((?:\s*\[\d+\])+)")
_UNSAFE = re.compile(r"https?://|www\.|@everyone|@here|<@[!&]?\d+>|\]\(|```", re.I)


@dataclass(frozen=True)
class Grounding:
    ok: bool
    problems: tuple[str, ...]
    order: tuple[int, ...]  # snippet numbers in order of first citation


def attach_markers(text: str) -> str:
    """Move markers written after a full stop ("... China. [2]") inside it ("... China [2].")."""
    return _TRAILING_MARKERS.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)


def check_grounding(text: str, snippets: dict[int, str]) -> Grounding:
    """Whether every sentence of ``text`` cites existing snippets that support it."""
    problems: list[str] = []
    order: list[int] = []
    snippet_terms = {n: set(tokens(s)) for n, s in snippets.items()}
    spans = sentence_spans(text)
    if not spans:
        problems.append("empty answer")
    for span in spans:
        sentence = text[span.start : span.end]
        cited = [int(n) for n in _MARKER.findall(sentence)]
        claim = _MARKER.sub(" ", sentence)
        if _UNSAFE.search(claim):
            problems.append(f"link or mention in: {sentence!r}")
            continue
        if not cited:
            if content_terms(claim):
                problems.append(f"no citation in: {sentence!r}")
            continue
        unknown = [n for n in cited if n not in snippets]
        if unknown:
            problems.append(f"cites missing snippet {unknown} in: {sentence!r}")
            continue
        order += [n for n in cited if n not in order]
        supported = set().union(*(snippet_terms[n] for n in cited))
        words = content_terms(claim)
        numbers = [w for w in words if w[:1].isdigit()]
        if any(n not in supported for n in numbers):
            problems.append(f"number not in cited snippets: {sentence!r}")
        elif words and sum(w in supported for w in words) / len(words) < MIN_SUPPORT:
            problems.append(f"not supported by cited snippets: {sentence!r}")
    return Grounding(ok=not problems, problems=tuple(problems), order=tuple(order))


def renumber(text: str, order: tuple[int, ...], total: int) -> tuple[str, dict[int, int]]:
    """Renumber markers so snippets are numbered in order of use; uncited ones follow in their order."""
    mapping = {old: new for new, old in enumerate(order, start=1)}
    for old in range(1, total + 1):
        mapping.setdefault(old, len(mapping) + 1)
    return _MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text), mapping
