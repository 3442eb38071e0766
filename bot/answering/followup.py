"""Follow-ups resolved against the previous question, and what one conversation remembers.

"what about Tencent?" after "Did Beijing approve Alibaba to buy H200 chips?" becomes
"Did Beijing approve Tencent to buy H200 chips?" (a company replaces a company, a place a place, a
chip a chip; otherwise the follow-up is appended); "when was that?" and "and who signed it?" become
"Did Beijing approve Alibaba to buy H200 chips? When was that?" (and "... And who signed it?").
Names the previous question writes in lower case ("who runs rapidus?") are found with the corpus's
term weights (``TermWeights.proper``), as the answer engine finds them.

A bare name ("Samsung?") replaces a name of its kind in the previous question, and with none there
asks anew. Other questions stand alone unless they lean on the previous one: they open with a
conjunction ("and how many jobs ...?"), point back ("who signed it?", "at what price?", "how did
China react?") in a few words, or are a short fragment ("what year?"). A short question is a new one
when it names what the previous did not or uses words the articles never use ("what's the weather in
taipei?"), or, having a verb, asks about things the previous question's articles never mention
("what did China do about gallium?" after a question on ASML; "what is the entity list?" after one
on Rapidus).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.answering.places import country_names
from bot.answering.terms import TermWeights, entities
from bot.answering.types import Answer
from corpus.text.words import content_terms

_WHAT_ABOUT = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<subject>.+?)\s*[?.!]*\s*$", re.I)
_AND_SUBJECT = re.compile(r"^\s*and\s+(?P<subject>[^?]+?)\s*\?\s*$", re.I)
# "and who's the chairman?" asks a new question of the same subject: it is carried on, not swapped in.
_ASKS = re.compile(
    r"^(?:who|whom|whose|what|which|when|where|why|how|is|are|was|were|do|does|did|can|could|will|would|"
    r"has|have|had|should|shall|may|might)\b",
    re.I,
)
# Words that point back at something said before ("that", "their", "the same", "that one"), or at
# what happened in it ("what did China do in response?", "what happened after that?").
_ANAPHORA = re.compile(
    r"\b(?:that|it|this|they|them|those|these|he|she|him|his|her|its|their|there|then|the same|"
    r"in (?:response|return|retaliation|reply)|as a result|afterwards?|since then|instead)\b",
    re.I,
)
# A reaction asked about with nothing said to react to ("how did China react?", "what was the
# response?"): to what the previous question was about.
_REACTION = re.compile(
    r"\b(?:react(?:s|ed|ing)?|respond(?:s|ed|ing)?|retaliat(?:e|es|ed|ing)|repl(?:y|ies|ied|ying)|"
    r"hit back|push(?:es|ed)? back|reactions?|responses?)\s*[?.!]*\s*$",
    re.I,
)
# Openings that carry on from the previous question: a conjunction ("and when ...") always; a
# preposition before the wh-word ("at what price?") only in a short question, for "In what year did
# Beijing clear the deal?" stands alone.
_ASKED_THEN = re.compile(r"(?<=\?)\s+(?=\S)")  # between a question and a follow-up appended to it
_CONJUNCTION = re.compile(r"^\s*(?:and|so|also|but|then)\b", re.I)
_PREPOSED = re.compile(r"^\s*(?:at|for|in|by|from|to)\s+(?:what|which|how|whom)\b", re.I)
_ANAPHORIC_MAX_TERMS = 4  # a question pointing back with more content words than this stands on its own
_BARE_MAX_TERMS = 2  # a fragment with so few content words ("what year?") leans on the previous question
# A verb (its auxiliary, or "who's") makes a short question whole ("what did China do about gallium?").
_AUXILIARY = re.compile(
    r"\b(?:do|does|did|is|are|was|were|has|have|had|will|would|can|could|should)\b|\b\w+['’]s\b", re.I
)
# ... but one with no subject of its own about what the previous question found is a follow-up
# ("how much were the chips worth?"); not knowing what it found, "the chips" says so.
_DEFINITE = re.compile(r"\bthe\b", re.I)


# Kinds of names a "what about X?" swaps one for another: a company for a company, a chip for a chip.
_KINDS: dict[str, frozenset[str]] = {
    "company": frozenset(
        """nvidia amd intel tsmc samsung hynix micron asml huawei smic alibaba tencent bytedance baidu apple
        qualcomm nexperia rapidus zte inspur ymtc cxmt broadcom arm globalfoundries umc sony denso tokyo-electron
        applied lam kla infineon stmicroelectronics nxp bosch tesla google microsoft meta amazon openai""".split()
    ),
    # Countries, their capitals and demonyms are places too (``places.country_names``).
    "place": frozenset(
        """china us u.s usa america japan korea taiwan netherlands germany india russia mexico brazil eu europe
        beijing washington tokyo seoul taipei hague brussels france uk britain singapore malaysia vietnam
        arizona texas ohio""".split()
    ),
}
_CHIP = re.compile(r"^[A-Z]{1,4}\d{2,4}[A-Za-z]*$")


def _kind(name: str) -> str | None:
    if _CHIP.match(name):
        return "chip"
    bare = name.replace("’s", "").replace("'s", "")
    words = bare.lower().split()
    for kind, names in _KINDS.items():
        if any(w in names for w in words):
            return kind
    return "place" if country_names(bare) else None


def _swapped(previous: str, subject: str, proper: Mapping[str, str]) -> str | None:
    """The previous question with ``subject`` in place of its first name of the same kind (a company
    for a company, a place for a place, a chip for a chip), or None when it has none. A leading "the"
    goes ("the H20" replaces "H200" in "H200 chips"), except before a place ("the Netherlands").
    A subject that only adds to that name ("nvidia h20" after a question on Nvidia) is no swap: None."""
    bare = re.sub(r"^(?:the|a|an)\s+", "", subject, flags=re.I)
    kind = _kind(bare)
    if kind is None:
        return None
    slot = next((name for name in entities(previous, proper) if _kind(name) == kind), None)
    if slot is None or _narrows(bare, slot):
        return None
    return re.sub(rf"\b{re.escape(slot)}\b", subject if kind == "place" else bare, previous, count=1)


def _narrows(subject: str, name: str) -> bool:
    """Whether ``subject`` is ``name`` with more words ("Nvidia H20" narrows "Nvidia")."""
    words, named = subject.lower().split(), name.lower().split()
    return len(words) > len(named) and set(named) <= set(words)


def _about(question: str) -> re.Match[str] | None:
    """A "what about X?" or "and X?" follow-up (not "and who signed it?", which asks anew)."""
    about = _WHAT_ABOUT.match(question) or _AND_SUBJECT.match(question)
    return None if about is None or _ASKS.match(about.group("subject")) else about


def resolve_followup(
    question: str,
    previous: str | None,
    weights: TermWeights | None = None,
    context: Callable[[], frozenset[str]] | None = None,
    *,
    requested: bool = False,
) -> str:
    """Rewrite a short follow-up against the previous question; other questions pass unchanged.
    ``weights``: the indexed articles' term weights, to find names written in lower case and words
    the articles never use; ``context``: gives the terms of the articles the previous question found
    first (called only for a short question that may or may not follow up); ``requested``: the user
    asked about ``question`` as a subject ("tell me about Nexperia", ``framing.names_its_subject``),
    so it is no bare name to swap in nor a fragment, and follows up only as a whole question would."""
    if not previous:
        return question
    proper = weights.proper if weights else {}
    about = _about(question)
    if about:
        subject = about.group("subject").strip()
        return _swapped(previous, subject, proper) or f"{previous.rstrip(' ?')}: what about {subject}?"
    name = None if requested else _bare_name(question, proper)
    if name:  # "Samsung?" after a question on TSMC asks about Samsung instead; on tariffs, anew
        return _swapped(previous, name, proper) or question
    if _leans_on_previous(question, previous, weights, context, whole=requested):
        # Onto the question the conversation is about, not onto its earlier follow-ups: "Which
        # companies ...? How many chips?" then "what did nvidia say?" asks "Which companies ...? What
        # did nvidia say?", so a chain of follow-ups does not grow into one long question.
        base = _ASKED_THEN.split(previous.strip(), maxsplit=1)[0]
        follow_up = question.strip()
        return f"{base.rstrip('?.!')}? {follow_up[:1].upper()}{follow_up[1:]}"
    return question


def asked_last(resolved: str) -> str:
    """The follow-up that ``resolve_followup`` appended to the question it follows ("when was that?"
    in "Did Beijing ...? When was that?"), or "" when none was appended (a swap, a new question)."""
    parts = _ASKED_THEN.split(resolved.strip(), maxsplit=1)
    return parts[1] if len(parts) == 2 else ""


def _bare_name(question: str, proper: Mapping[str, str]) -> str | None:
    """The name a question is made of and nothing else ("Samsung?", "intel", "south korea"), or None.
    (``entities`` does not take a lone capitalised word opening a question for a name; here the
    articles' proper words decide.)"""
    text = question.strip().rstrip("?.!").strip()
    if text.lower() in proper or entities(text, proper) == [text]:
        return text
    return None


def _explicitly_follows(question: str) -> bool:
    """Whether the question says it follows up ("what about X?", "and ...", "when was that?"), as
    opposed to only being short ("what is the entity list?"), which may also ask something new."""
    if _about(question) or _CONJUNCTION.match(question):
        return True
    short = len(content_terms(question)) <= _ANAPHORIC_MAX_TERMS
    return short and bool(_PREPOSED.match(question) or _ANAPHORA.search(question) or _REACTION.search(question))


def _leans_on_previous(
    question: str,
    previous: str,
    weights: TermWeights | None,
    context: Callable[[], frozenset[str]] | None,
    whole: bool = False,
) -> bool:
    """Whether a question that is not "what about X?" needs the previous one to be understood
    (``whole``: it is never a fragment, whether or not it has a verb)."""
    if _explicitly_follows(question):
        return True
    terms = content_terms(question)
    names = entities(question, weights.proper if weights else None)
    if len(terms) > _BARE_MAX_TERMS or _own_subject(names, previous, terms, weights):
        return False
    if not whole and not _AUXILIARY.search(question):  # a fragment: "what year?"
        return True
    if context is not None:  # about the same things as the articles just found ("were the chips worth")
        found = context()
        return all(t in found for t in terms)
    # Not knowing those articles: "the chips", or a name the previous question named, was mentioned.
    return bool(_DEFINITE.search(question) or names)


def _own_subject(names: list[str], previous: str, terms: list[str], weights: TermWeights | None) -> bool:
    """Whether the question's ``names`` include one the previous question did not name, or its
    ``terms`` a word the indexed articles never use: then it cannot mean something the conversation
    already mentioned."""
    before = previous.lower()
    if any(name.lower() not in before for name in names):
        return True
    return weights is not None and any(t not in weights.document_frequency for t in terms)


@dataclass
class Conversation:
    """What one user said last in one channel."""

    clock: Callable[[], float] = time.monotonic
    last_question: str | None = None
    context: tuple[str, ...] = ()  # the articles the previous question's search found first
    context_terms: Callable[[], frozenset[str]] | None = None  # reads their terms (None: not known)
    answered: bool = False  # the last question got an answer (not an abstention)
    cited: frozenset[str] = frozenset()  # the articles cited for it so far ("tell me more" adds to them)
    updated_at: float = field(default=0.0)

    def resolve(self, question: str, weights: TermWeights | None = None, *, requested: bool = False) -> str:
        return resolve_followup(question, self.last_question, weights, self.context_terms, requested=requested)

    def remember(
        self,
        question: str,
        answer: Answer,
        context: tuple[str, ...] = (),
        context_terms: Callable[[], frozenset[str]] | None = None,
    ) -> None:
        """``context_terms`` reads the context's terms when a question needs them: kept as a call, not
        as the terms, so ten thousand conversations do not each hold three articles' vocabulary."""
        self.last_question = question
        self.context = context
        self.context_terms = context_terms
        self.answered = not answer.abstained
        self.cited = frozenset(c.article.id for c in answer.citations)
        self.updated_at = self.clock()

    def cited_more(self, answer: Answer) -> None:
        """Add the articles a "tell me more" answer cited: the next one goes further still."""
        self.cited |= {c.article.id for c in answer.citations}
        self.updated_at = self.clock()
