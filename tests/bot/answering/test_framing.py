"""A question's framing ("tell me about") is set apart from what it asks."""

from __future__ import annotations

import pytest

from bot.answering.framing import unframed


@pytest.mark.parametrize(
    ("asked", "about"),
    [
        ("Tell me about Nexperia.", "Nexperia."),
        ("hey, quick question: what's going on with the H20?", "the H20?"),
        ("Could you please explain the affiliates rule?", "the affiliates rule?"),
        ("any updates on Rapidus", "Rapidus"),
        ("what happened to Intel's stake?", "Intel's stake?"),
        ("Give me a rundown of the Busan truce", "the Busan truce"),
        ("hey, quick question: which firms got approval?", "which firms got approval?"),
        ("Do you know when the rule took effect?", "when the rule took effect?"),
        ("ok, can you tell me who runs Rapidus?", "who runs Rapidus?"),
        ("who runs Rapidus? thanks!", "who runs Rapidus?"),
        ("Tell me about TSMC pls", "TSMC"),
        ("What's the status of the chip tariffs?", "the chip tariffs?"),
        ("what is the current status of the AI diffusion rule", "the AI diffusion rule"),
        ("where do things stand with Nexperia?", "Nexperia?"),
        ("update on nexperia?", "nexperia?"),
        ("any developments on the Busan truce?", "the Busan truce?"),
        ("what's the difference between EUV and DUV?", "EUV and DUV?"),
        ("what does VEU stand for?", "what is VEU?"),
    ],
)
def test_a_request_opening_the_question_is_not_what_it_asks(asked: str, about: str) -> None:
    assert unframed(asked) == about


@pytest.mark.parametrize(
    "asked",
    [
        "Which deal did Intel sign with the government?",  # "deal" is what it asks about
        "What's the latest on Nexperia?",  # "latest" says when: the time is read from it
        "What updates did BIS make to the Entity List?",  # updates asked about, not a framing
        "What is the status quo on chip subsidies?",  # "status quo" is no request
        "What happened after BIS revoked the waivers?",  # "happened after": an event, not a framing
        "tell me about",  # nothing would be left
        "How did Nvidia describe the H20 rules?",  # not at the start
        "So far, how many licences has BIS granted?",  # "so" opens the question, not a greeting
        "Hello",  # a greeting alone is left as it is
        "What did the Thank You letter from Intel say?",  # thanks that close nothing
    ],
)
def test_questions_without_a_framing_are_kept_as_asked(asked: str) -> None:
    assert unframed(asked) == asked


@pytest.mark.parametrize(
    ("asked", "read"),
    [
        ("what chips did Malaysia restrict https://example.com/", "what chips did Malaysia restrict"),
        (
            "is this true? <https://www.example.com/tech/china-bans-gallium-2024-12-03.html>",
            "is this true? tech china bans gallium",
        ),
        ("https://example.com/news/nexperia-seized?ref=home#top", "news nexperia seized"),
    ],
)
def test_a_pasted_link_is_read_as_the_words_of_its_path(asked: str, read: str) -> None:
    assert unframed(asked) == read
