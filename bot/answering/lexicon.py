"""Who a question means when it describes instead of naming: "the Dutch lithography-machine maker" is ASML.

People ask about the trade's companies, agencies and programmes by what they are ("the Taiwanese
foundry giant", "China's internet regulator"); the articles name them. Neither keyword search nor
the name features can connect the two, so the answer engine looks the description up here and
reads the question as if it also named the entity: the name is added to the search's query and to
the question's names and terms.

The lexicon (``entities.json``) is written from the shared corpus's articles and general knowledge
of the industry, never from the labelled questions. Each entity has its ``name`` as articles spell
it, other spellings (``also``), and descriptions: space-separated slots, each a "/"-separated list
of alternative words; a description matches when every slot has a word in the question (stemmed,
stopwords ignored, hyphenated words also read as their parts; a word of the description that is
several terms, "52-billion", needs them all). A question that already names the entity gets nothing
added.

>>> lexicon = Lexicon.from_entries(
...     [
...         {"name": "ASML", "describe": ["dutch/netherlands lithography"]},
...         {"name": "Nexperia", "describe": ["nijmegen"]},
...     ]
... )
>>> lexicon.described("What did the Dutch lithography-machine makers ship?")
('ASML',)
>>> (
...     lexicon.described("What did ASML, the Dutch lithography firm, ship?"),
...     lexicon.described("Who owns the Nijmegen firm?"),
... )
((), ('Nexperia',))
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from corpus.text.words import content_terms

ENTITIES = Path(__file__).with_name("entities.json")


class LexiconError(ValueError):
    """The entity lexicon cannot be read: its file and the entry at fault are in the message."""


def _terms(text: str) -> frozenset[str]:
    """Stemmed content words, hyphenated words also as their parts ("chip-equipment": chip, equip)."""
    return frozenset(content_terms(text)) | frozenset(content_terms(text.replace("-", " ")))


@dataclass(frozen=True)
class Entity:
    name: str
    spellings: tuple[frozenset[str], ...]  # the terms of the name and of each other spelling
    # slots of alternatives, each the terms it needs: "52-billion" needs both 52 and billion
    descriptions: tuple[tuple[tuple[frozenset[str], ...], ...], ...]

    def named_in(self, terms: frozenset[str]) -> bool:
        return any(spelling <= terms for spelling in self.spellings if spelling)

    def described_in(self, terms: frozenset[str]) -> bool:
        return any(all(any(word <= terms for word in slot) for slot in slots) for slots in self.descriptions)


def _entity(entry: Mapping[str, Any]) -> Entity:
    name = entry["name"]
    if not isinstance(name, str) or not name.strip():
        raise ValueError("'name' must be a non-empty string")
    descriptions = []
    for description in entry.get("describe", []):
        slots = tuple(
            tuple(frozenset(content_terms(word)) for word in slot.split("/") if content_terms(word))
            for slot in description.split()
        )
        if not slots or not all(slots):
            raise ValueError(f"description {description!r} has a slot with no content word")
        descriptions.append(slots)
    spellings = tuple(_terms(s) for s in (name, *entry.get("also", [])))
    return Entity(name, spellings, tuple(descriptions))


class Lexicon:
    """The entities a question may describe; ``described(question)`` gives the names it means."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = tuple(entities)
        # A description matches only a question holding a word of its first slot, so each entity is
        # looked at only for questions with a term of such a word (any term: a word needs all of its).
        self._cues: dict[str, set[int]] = {}
        for i, entity in enumerate(self.entities):
            for slots in entity.descriptions:
                for word in slots[0]:
                    self._cues.setdefault(min(word), set()).add(i)

    @classmethod
    def from_entries(cls, entries: Iterable[Mapping[str, Any]], source: str = "the lexicon") -> Lexicon:
        entities = []
        for i, entry in enumerate(entries):
            try:
                entities.append(_entity(entry))
            except (KeyError, TypeError, ValueError) as e:
                raise LexiconError(f"{source}, entry {i + 1}: {e}") from e
        return cls(entities)

    @classmethod
    def load(cls, path: Path = ENTITIES) -> Lexicon:
        """The lexicon in ``path`` (the packaged one by default, read once per process)."""
        return _packaged() if path == ENTITIES else _read(path)

    def described(self, question: str) -> tuple[str, ...]:
        """Names of the entities ``question`` describes without naming them, in lexicon order."""
        terms = _terms(question)
        cued = sorted(set().union(*(self._cues.get(t, ()) for t in terms)))
        found = (self.entities[i] for i in cued)
        return tuple(e.name for e in found if e.described_in(terms) and not e.named_in(terms))


@cache
def _packaged() -> Lexicon:
    return _read(ENTITIES)


def _read(path: Path) -> Lexicon:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise LexiconError(f"cannot read the entity lexicon {path}: {e}") from e
    if not isinstance(entries, list):
        raise LexiconError(f"{path} must hold a JSON list of entities")
    return Lexicon.from_entries(entries, str(path))
