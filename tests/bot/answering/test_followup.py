from __future__ import annotations

import pytest

from bot.answering.followup import Conversation, resolve_followup
from bot.answering.terms import TermWeights
from bot.answering.types import Answer
from corpus.text.words import tokens

PREVIOUS = "Did Beijing approve Alibaba to buy H200 chips?"


@pytest.mark.parametrize(
    ("follow_up", "resolved"),
    [
        ("what about Tencent?", "Did Beijing approve Tencent to buy H200 chips?"),
        ("And what about the H20?", "Did Beijing approve Alibaba to buy H20 chips?"),
        ("how about Japan?", "Did Japan approve Alibaba to buy H200 chips?"),
        (
            "what about the rare earth curbs?",
            "Did Beijing approve Alibaba to buy H200 chips: what about the rare earth curbs?",
        ),
        ("when was that?", f"{PREVIOUS} When was that?"),
        ("what did Washington do in response?", f"{PREVIOUS} What did Washington do in response?"),
        # A reaction, with nothing said to react to, is to what the previous question was about.
        ("how did Washington react", f"{PREVIOUS} How did Washington react"),
        ("what was Nvidia's response?", f"{PREVIOUS} What was Nvidia's response?"),
        ("who said it", f"{PREVIOUS} Who said it"),
        # A new question of the same subject is carried on, never swapped in as a subject.
        ("and who signed it off?", f"{PREVIOUS} And who signed it off?"),
        ("And what did Nvidia say?", f"{PREVIOUS} And what did Nvidia say?"),
        # Any country (countryinfo's names) replaces a place; "the" stays with a country's name.
        ("what about Indonesia?", "Did Indonesia approve Alibaba to buy H200 chips?"),
        ("and the Netherlands?", "Did the Netherlands approve Alibaba to buy H200 chips?"),
        # Fragments, short questions opening with a preposition, and "the chips" already mentioned.
        ("which companies?", f"{PREVIOUS} Which companies?"),
        ("at what price?", f"{PREVIOUS} At what price?"),
        ("how much were the chips worth?", f"{PREVIOUS} How much were the chips worth?"),
    ],
)
def test_follow_ups_are_rewritten_against_the_previous_question(follow_up: str, resolved: str) -> None:
    assert resolve_followup(follow_up, PREVIOUS) == resolved


@pytest.mark.parametrize(
    "question",
    [
        "How many Inspur subsidiaries were added to the Entity List in March 2025?",
        "Is that rule on HBM chips from December 2024 still in force for Samsung?",
        # Short, but whole: a verb, and a subject of their own.
        "what did China do about gallium?",
        "how did Washington respond to the gallium ban?",
        "who's the CEO of Rapidus?",
        "In what year did Beijing's competition authority clear Nvidia's purchase of Mellanox?",
    ],
)
def test_questions_that_stand_alone_pass_unchanged(question: str) -> None:
    assert resolve_followup(question, PREVIOUS) == question


# Articles that write Rapidus and TSMC as names mid-sentence, twice each (``TermWeights.proper``).
ARTICLES = [
    "The chips are made by TSMC in Japan. Officials said Rapidus plans a fab. The CEO of Rapidus spoke.",
    "Reporters said TSMC was hiring. The company's CEO visited the fab.",
]
WEIGHTS = TermWeights.from_texts(ARTICLES, ARTICLES)


def test_names_the_previous_question_writes_in_lower_case_are_replaced_with_the_proper_words() -> None:
    previous = "who's the ceo of rapidus?"
    assert resolve_followup("what about tsmc?", previous, WEIGHTS) == "who's the ceo of tsmc?"
    # Without the corpus's proper words "rapidus" is not known as a name: the follow-up is appended.
    assert resolve_followup("what about tsmc?", previous) == "who's the ceo of rapidus: what about tsmc?"


@pytest.mark.parametrize(
    "question",
    [
        "who's the ceo of rapidus?",  # a name the articles write
        "what's the weather in taipei?",  # words the articles never use
    ],
)
def test_a_short_question_with_a_subject_of_its_own_stands_alone(question: str) -> None:
    assert resolve_followup(question, PREVIOUS, WEIGHTS) == question


def test_a_short_question_about_the_same_things_leans_on_the_previous_one() -> None:
    # "the ceo" with no name of its own and nothing new: someone the conversation already mentioned.
    assert resolve_followup("who's the ceo?", PREVIOUS, WEIGHTS) == f"{PREVIOUS} Who's the ceo?"
    # Without the term weights "rapidus" is not known as a name either.
    question = "who's the ceo of rapidus?"
    assert resolve_followup(question, PREVIOUS) == f"{PREVIOUS} Who's the ceo of rapidus?"


@pytest.mark.parametrize(
    ("previous", "follow_up", "resolved"),
    [
        # A bare name replaces the name of its kind in the previous question ...
        ("Did TSMC get CHIPS Act money?", "Samsung?", "Did Samsung get CHIPS Act money?"),
        ("Did TSMC get CHIPS Act money?", "samsung", "Did samsung get CHIPS Act money?"),
        # ... and with none there asks anew, as it does when it only adds to that name.
        ("Which countries restrict chip exports to China?", "Intel", "Intel"),
        ("Did TSMC get CHIPS Act money?", "TSMC Arizona?", "TSMC Arizona?"),
        # A short question on a name the previous one asked about follows it up ...
        ("Did Samsung get CHIPS Act money?", "how much did samsung get?", None),
        # ... a name it did not ask about makes a new question.
        ("Did Beijing approve Alibaba to buy H200 chips?", "why is Intel?", "why is Intel?"),
    ],
)
def test_a_short_question_naming_something_follows_up_only_on_the_previous_question_s_names(
    previous: str, follow_up: str, resolved: str | None
) -> None:
    texts = ["Officials said Samsung and TSMC Arizona got money. Reporters said Samsung and TSMC will get more."] * 2
    weights = TermWeights.from_texts(texts, texts)
    expected = resolved or f"{previous} {follow_up[:1].upper()}{follow_up[1:]}"
    assert resolve_followup(follow_up, previous, weights) == expected


def test_a_subject_asked_about_by_request_is_no_name_to_swap_in_nor_a_fragment() -> None:
    texts = ["Officials said Samsung and TSMC got grants. Reporters said Samsung and TSMC need rare earths."] * 2
    weights = TermWeights.from_texts(texts, texts)
    previous = "Did TSMC get CHIPS Act money?"
    # "tell me about Samsung": about Samsung, not "Did Samsung get CHIPS Act money?"
    assert resolve_followup("Samsung", previous, weights, requested=True) == "Samsung"
    assert resolve_followup("Samsung", previous, weights) == "Did Samsung get CHIPS Act money?"

    def funding() -> frozenset[str]:
        return frozenset(tokens("TSMC got $6.6 billion in CHIPS Act grants for its Arizona fabs."))

    # "what's happening with rare earths?": words the previous articles never use, so a new question ...
    assert resolve_followup("rare earths?", previous, weights, funding, requested=True) == "rare earths?"
    # ... where the bare fragment would have been joined; and a subject they do mention still follows.
    assert resolve_followup("rare earths?", previous, weights, funding) == f"{previous} Rare earths?"
    assert resolve_followup("the grants", previous, weights, funding, requested=True) == f"{previous} The grants"


def test_a_short_whole_question_follows_up_only_on_what_the_previous_articles_mention() -> None:
    def smuggling() -> frozenset[str]:
        return frozenset(tokens("Prosecutors said the smuggled chips were worth $160 million."))

    def rapidus() -> frozenset[str]:
        return frozenset(tokens("Rapidus CEO Atsuyoshi Koike broke ground in Chitose."))

    follow_up = "how much were the chips worth?"  # (no term weights: every word counts as known)
    assert resolve_followup(follow_up, PREVIOUS, None, smuggling) == f"{PREVIOUS} How much were the chips worth?"
    assert resolve_followup(follow_up, PREVIOUS, None, rapidus) == follow_up
    new = "what is the entity list?"
    assert resolve_followup(new, PREVIOUS, None, rapidus) == new
    # A fragment leans on the previous question whatever its articles say.
    assert resolve_followup("what year?", PREVIOUS, None, rapidus) == f"{PREVIOUS} What year?"


def test_a_chain_of_follow_ups_each_joins_the_question_the_conversation_is_about() -> None:
    second = resolve_followup("how many chips?", PREVIOUS)
    assert second == f"{PREVIOUS} How many chips?"
    assert resolve_followup("who signed it?", second) == f"{PREVIOUS} Who signed it?"
    # A swap keeps what was asked since: "how many" for Tencent.
    assert (
        resolve_followup("what about Tencent?", second)
        == "Did Beijing approve Tencent to buy H200 chips? How many chips?"
    )


def test_a_conversation_resolves_against_its_last_question() -> None:
    conversation = Conversation()
    conversation.remember("who's the ceo of rapidus?", Answer(question="", text="", citations=[], abstained=False))
    assert conversation.resolve("and the chairman?", WEIGHTS) == "who's the ceo of rapidus: what about the chairman?"
    assert conversation.resolve("what about tsmc?", WEIGHTS) == "who's the ceo of tsmc?"
    conversation.remember(
        "who's the ceo of rapidus?",
        Answer(question="", text="", citations=[], abstained=False),
        context_terms=lambda: frozenset(tokens("Rapidus CEO Atsuyoshi Koike visited the fab in Chitose.")),
    )
    assert conversation.resolve("what is the entity list?", WEIGHTS) == "what is the entity list?"
    assert conversation.resolve("who has visited the fab?", WEIGHTS) == (
        "who's the ceo of rapidus? Who has visited the fab?"
    )


def test_without_a_previous_question_nothing_changes() -> None:
    assert resolve_followup("what about Tencent?", None) == "what about Tencent?"
