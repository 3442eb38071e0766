from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from bot.answering.answerer import EMPTY_QUESTION, NO_MORE, Answerer, passage_order
from bot.answering.evidence import Query, Reading
from bot.answering.features import PASSAGE
from bot.answering.model import LinearModel, Models
from bot.answering.tuning import PASSAGE_CANDIDATES, PASSAGE_RANKER
from bot.answering.types import Answer
from bot.service.conversations import Conversations
from corpus.text.words import tokens
from tests.bot.corpus_fixture import small_corpus
from tests.bot.fakes import FakeIndex, make_article

# The fake index has no vectors, so the learned abstainer sees no dense similarity at all; tests of
# how answers are composed answer whatever the confidence. Abstention itself is tested on the shared
# corpus with the real model (test_shared_corpus.py) and here only relative to another question.
SHIPPED = Models.load()
ALWAYS_ANSWER = replace(SHIPPED, abstainer=SHIPPED.abstainer.at(0.0))


def answerer(**kwargs: object) -> tuple[Answerer, FakeIndex]:
    index = FakeIndex(small_corpus())
    return Answerer(index, **{"models": ALWAYS_ANSWER, **kwargs}), index  # type: ignore[arg-type]


def test_lead_quotes_the_answering_sentence_verbatim_and_cites_it_first() -> None:
    bot, _ = answerer()
    answer = bot.answer("Which companies did Beijing approve to buy Nvidia H200 chips?")
    assert not answer.abstained
    lead = answer.citations[0]
    assert lead.article.id == "h200-approval"
    assert "ByteDance, Alibaba and Tencent" in lead.quote
    assert lead.article.text[lead.start : lead.end] == lead.quote
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert answer.text.startswith("“Beijing has approved ByteDance")
    assert answer.confidence is not None and 0.0 < answer.confidence < 1.0
    assert "[1] (2026-01-10)" in answer.text
    assert lead.alternates[0].source == "copy.example"
    assert answer.timings_ms["total"] >= answer.timings_ms["search"] >= 0


def test_every_citation_is_an_exact_span_of_its_article() -> None:
    bot, _ = answerer()
    for question in (
        "How much did Japan approve for Rapidus?",
        "Will the Dutch restrict ASML DUV lithography exports?",
        "Did a ministry spokesperson say the gallium controls are a ban?",
    ):
        answer = bot.answer(question)
        assert not answer.abstained, question
        for citation in answer.citations:
            assert citation.article.text[citation.start : citation.end] == citation.quote


def test_undated_articles_say_so() -> None:
    bot, _ = answerer()
    answer = bot.answer("Will the Dutch restrict ASML DUV lithography exports?")
    assert answer.citations[0].article.id == "asml-duv"
    assert "[1] (undated)" in answer.text


def test_a_question_naming_things_no_article_mentions_gets_less_confidence_and_an_abstention() -> None:
    bot, _ = answerer(models=SHIPPED)
    covered = bot.answer("How much did Japan approve for Rapidus?")
    answer = bot.answer("How much did Brazil spend to revive the CEITEC chip plant?")
    assert answer.confidence is not None and covered.confidence is not None
    assert answer.confidence < covered.confidence
    assert answer.abstained and answer.citations == []
    assert answer.text.startswith("None of the 5 indexed articles answers this.")
    for topic in answer.related_topics:
        assert topic in answer.text


def constant(probability: float, threshold: float = 0.5) -> LinearModel:
    """A model over the abstainer's features with no weights: its intercept says ``probability``."""
    names = SHIPPED.abstainer.names
    zeros, ones = (0.0,) * len(names), (1.0,) * len(names)
    return LinearModel(names, zeros, ones, zeros, math.log(probability / (1 - probability)), threshold=threshold)


def test_an_answer_states_the_confidence_model_s_probability_and_the_abstainer_decides() -> None:
    question = "How much did Japan approve for Rapidus?"
    models = replace(SHIPPED, abstainer=constant(0.6, threshold=0.5), confidence=constant(0.3))
    answer = answerer(models=models)[0].answer(question)
    assert not answer.abstained and answer.confidence == pytest.approx(0.3)  # 0.6 answers; 0.3 is stated
    refused = answerer(models=replace(models, abstainer=constant(0.6, threshold=0.7)))[0].answer(question)
    assert refused.abstained and refused.confidence == pytest.approx(0.3)
    # Models trained before the confidence model state the abstainer's probability.
    older = answerer(models=replace(models, confidence=None))[0].answer(question)
    assert not older.abstained and older.confidence == pytest.approx(0.6)


def test_abstains_when_nothing_is_retrieved() -> None:
    bot, _ = answerer()
    answer = bot.answer("Quantum widgets?")
    assert answer.abstained and answer.related_topics == []


def test_filters_reach_the_index() -> None:
    bot, _ = answerer()
    answer = bot.answer("Nvidia H200 chips China", sources=["wire.example"])
    assert {c.article.source for c in answer.citations} == {"wire.example"}
    dated = bot.answer("Nvidia H200 chips China", until=date(2025, 12, 31))
    assert all(c.article.published and c.article.published <= date(2025, 12, 31) for c in dated.citations)


def test_filters_that_no_article_passes_are_what_the_abstention_names() -> None:
    bot, _ = answerer()
    answer = bot.answer("Nvidia H200 chips China", sources=["nowhere.example"], since=date(2025, 1, 1))
    assert answer.abstained and answer.text == (
        "No indexed article is from nowhere.example and published on or after 2025-01-01, so none answers this."
    )


def test_a_window_no_article_falls_in_is_what_the_abstention_names() -> None:
    # The index reports the window it searched (the filters, narrowed by one the question names:
    # "in the past 2 weeks"); the fake index reports the filters.
    bot, _ = answerer()
    answer = bot.answer("Nvidia H200 chips China", since=date(2030, 6, 1), until=date(2030, 6, 15))
    assert answer.abstained and answer.text == (
        "No indexed article is published between 2030-06-01 and 2030-06-15, so none answers this."
    )


def test_follow_up_is_resolved_against_the_previous_question() -> None:
    bot, index = answerer()
    conversation = Conversations().get(1, 2)
    first = bot.answer("How much did Japan approve for Rapidus?", conversation=conversation)
    assert first.resolved_question is None
    follow = bot.answer("when was that?", conversation=conversation)
    assert follow.resolved_question == "How much did Japan approve for Rapidus? When was that?"
    assert index.queries[-1] == follow.resolved_question
    assert follow.question == "when was that?"
    assert follow.citations[0].article.id == "rapidus"


class RecordingWriter:
    def __init__(self) -> None:
        self.seen: list[Answer] = []

    def write(self, answer: Answer) -> Answer:
        self.seen.append(answer)
        return replace(answer, text="Written [1].", generated=True)


def test_writer_rewrites_answers_but_never_abstentions() -> None:
    writer = RecordingWriter()
    bot, _ = answerer(llm=writer)
    answered = bot.answer("How much did Japan approve for Rapidus?")
    assert answered.generated and answered.text == "Written [1]." and "llm" in answered.timings_ms
    abstained = bot.answer("Quantum widgets?")  # nothing retrieved: an abstention
    assert abstained.abstained and not abstained.generated
    assert len(writer.seen) == 1


def test_a_blank_question_gets_a_hint_not_a_search() -> None:
    bot, index = answerer()
    answer = bot.answer(" \t ")
    assert answer.text.startswith("Please ask a question") and answer.citations == [] and not answer.related_topics
    assert index.queries == []


def test_a_misspelt_name_is_read_as_the_name_and_the_answer_says_so() -> None:
    bot, _ = answerer()
    right = bot.answer("Which companies did Beijing approve to buy Nvidia H200 chips?")
    slipped = bot.answer("Which companies did Beijing approve to buy Nvdia H200 chips?")
    assert slipped.respelt == (("Nvdia", "Nvidia"),) and right.respelt == ()
    assert slipped.read_as == right.read_as == ()  # nothing was described
    from bot.cli.output import answer_json, render_plain

    assert render_plain(slipped).startswith('(read "Nvdia" as Nvidia)\n')
    assert answer_json(slipped)["respelt"] == [{"written": "Nvdia", "read": "Nvidia"}]
    assert answer_json(right)["respelt"] == [] and not render_plain(right).startswith("(read")
    assert [c.article.id for c in slipped.citations] == [c.article.id for c in right.citations]


def test_a_request_framing_the_question_does_not_change_the_answer() -> None:
    bot, _ = answerer()
    bare = bot.answer("Beijing's approval of Nvidia H200 purchases?")
    framed = bot.answer("hey, can you tell me about Beijing's approval of Nvidia H200 purchases?")
    assert [c.article.id for c in framed.citations] == [c.article.id for c in bare.citations]
    assert framed.question.startswith("hey, can you tell me")  # the user's words are kept for the answer
    assert framed.confidence == pytest.approx(bare.confidence)


def test_a_link_pasted_with_the_question_does_not_change_the_answer() -> None:
    bot, _ = answerer()
    bare = bot.answer("Beijing's approval of Nvidia H200 purchases?")
    linked = bot.answer("Beijing's approval of Nvidia H200 purchases? <https://example.com/>")
    assert [c.article.id for c in linked.citations] == [c.article.id for c in bare.citations]
    assert linked.confidence == pytest.approx(bare.confidence)


def test_a_framed_question_and_its_framed_follow_up_read_as_the_plain_ones() -> None:
    bot, index = answerer()
    conversation = Conversations().get(1, 2)
    first = bot.answer("hey, quick question: how much did Japan approve for Rapidus?", conversation=conversation)
    assert first.resolved_question is None and index.queries[-1] == "how much did Japan approve for Rapidus?"
    follow = bot.answer("hi! can you tell me when was that?", conversation=conversation)
    assert follow.resolved_question == "how much did Japan approve for Rapidus? When was that?"
    assert follow.question == "hi! can you tell me when was that?"


def test_a_short_line_that_is_not_a_sentence_is_never_quoted() -> None:
    bot, _ = answerer()
    article = make_article(
        "credits", "Beijing H200 approvals given\nPurchases were cleared in January.\nNvidia welcomed it."
    )
    query = Query.parse("Which H200 approvals did Beijing give?", bot.weights, today=date(2026, 1, 1))
    reading = Reading(article, query)
    quotes = [reading.quote(window) for window, _ in bot.choose_quotes(reading, 2)]
    assert "Beijing H200 approvals given" not in quotes and quotes[0].endswith(".")


def test_only_the_first_quote_of_an_article_may_be_a_heading() -> None:
    bot, _ = answerer()
    article = make_article(
        "headings",
        "Funding Updates\nH200 approvals\nBeijing approved H200 purchases in January.\nKey points\n"
        "The approvals cover three companies.\nNvidia welcomed the approvals.",
    )
    query = Query.parse("Which H200 approvals did Beijing give?", bot.weights, today=date(2026, 1, 1))
    reading = Reading(article, query)
    quotes = bot.choose_quotes(reading, 3)
    assert len(quotes) == 3
    assert all(reading.ends_sentence(window) for window, _ in quotes[1:])


def test_a_heading_leads_only_where_no_sentence_says_as_much_of_what_was_asked() -> None:
    # A quoter that prefers the earliest window, so the heading opening each article is its best.
    quoter = SHIPPED.quoter
    first_line = replace(quoter, coef=tuple(-1.0 if n == "position" else 0.0 for n in quoter.names))
    bot, _ = answerer(models=replace(ALWAYS_ANSWER, quoter=first_line))
    today = date(2026, 1, 1)
    titled = make_article(
        "titled",
        "Implementation of Additional Export Controls for Advanced Computing Items\n"
        "The rule took effect in October.\nIt covers chips.",
    )
    asked = "What was the rule on additional export controls for advanced computing items called?"
    reading = Reading(titled, Query.parse(asked, bot.weights, today=today))
    first, _ = bot.choose_quotes(reading, 2)[0]
    assert reading.quote(first).startswith("Implementation of")  # the title says what no sentence does
    teaser = make_article("teaser", "Nvidia H20 too good for China for now\nThe Nvidia H20 is a chip made for China.")
    reading = Reading(teaser, Query.parse("what is the Nvidia H20", bot.weights, today=today))
    first, _ = bot.choose_quotes(reading, 2)[0]
    assert reading.quote(first) == "The Nvidia H20 is a chip made for China."


def test_a_further_quote_shares_a_word_with_the_question() -> None:
    bot, _ = answerer()
    article = make_article(
        "disclosure",
        "Beijing approved H200 purchases by three companies in January.\n"
        "Our team members come from an investment background and hold positions in what they cover.\n"
        "Nvidia said the approvals were welcome.",
    )
    query = Query.parse("Which H200 approvals did Beijing give?", bot.weights, today=date(2026, 1, 1))
    reading = Reading(article, query)
    quotes = [reading.quote(window) for window, _ in bot.choose_quotes(reading, 3)]
    assert quotes[0].startswith("Beijing approved H200 purchases")
    assert "Nvidia said the approvals were welcome." in quotes
    assert not any("investment background" in quote for quote in quotes)


def test_a_line_the_article_repeats_is_quoted_once() -> None:
    bot, _ = answerer()
    caption = "Beijing officials discussed H200 approvals at a briefing."
    article = make_article("repeats", f"{caption}\nBeijing approved H200 purchases in January.\n{caption}")
    query = Query.parse("Which H200 approvals did Beijing give?", bot.weights, today=date(2026, 1, 1))
    reading = Reading(article, query)
    quotes = [reading.quote(window) for window, _ in bot.choose_quotes(reading, 3)]
    assert sorted(quotes) == sorted([caption, "Beijing approved H200 purchases in January."])


def test_the_terms_a_short_follow_up_may_be_about_are_read_from_the_previous_articles() -> None:
    bot, _ = answerer()
    conversation = Conversations().get(1, 2)
    bot.answer("Which companies did Beijing approve to buy Nvidia H200 chips?", conversation=conversation)
    assert conversation.context and conversation.context_terms is not None
    terms = conversation.context_terms()
    assert set(tokens("ByteDance Alibaba Tencent")) <= terms  # the approval article's words, read when needed
    assert bot.article_terms(["no-such-article"]) == frozenset()


def test_a_greeting_or_thanks_gets_a_hint_and_is_not_remembered_as_a_question() -> None:
    bot, index = answerer()
    conversation = Conversations().get(1, 2)
    first = "Which companies did Beijing approve to buy Nvidia H200 chips?"
    bot.answer(first, conversation=conversation)
    searched = len(index.queries)
    for chatter in ("thanks!", "hi", "ok, got it"):
        answer = bot.answer(chatter, conversation=conversation)
        assert answer.abstained and answer.text == EMPTY_QUESTION and not answer.citations
    assert len(index.queries) == searched  # nothing was searched
    follow = bot.answer("when was that?", conversation=conversation)
    assert follow.resolved_question == f"{first} When was that?"


def test_a_follow_up_is_read_with_the_words_it_just_asked_stressed() -> None:
    bot, _ = answerer()
    joined = "How much did Japan approve for Rapidus? When did Rapidus start production?"
    alone = bot.read(joined).query.weights
    following = bot.read(joined, previous=frozenset({"rapidus"})).query.weights
    assert following["start"] > alone["start"] and following["japan"] == alone["japan"]


def test_tell_me_more_quotes_the_next_articles_never_one_cited_before() -> None:
    bot, _ = answerer()
    conversation = Conversations().get(1, 2)
    first = bot.answer("What did Nvidia say about exports to China?", conversation=conversation)
    assert not first.abstained
    seen = {c.article.id for c in first.citations}
    more = bot.answer("tell me more", conversation=conversation)
    assert more.resolved_question == "more on: What did Nvidia say about exports to China?"
    assert more.citations and not seen & {c.article.id for c in more.citations}
    for citation in more.citations:  # verbatim, as every answer's quotes are
        assert citation.article.text[citation.start : citation.end] == citation.quote
    replies = [bot.answer("more?", conversation=conversation) for _ in range(10)]
    assert replies[-1].text == NO_MORE and replies[-1].abstained  # until nothing is left
    cited = [{c.article.id for c in reply.citations} for reply in [first, more, *replies]]
    assert sum(map(len, cited)) == len(set().union(*cited))  # no article in two replies


def test_more_without_an_answer_before_it_is_no_question() -> None:
    bot, _ = answerer()
    conversation = Conversations().get(1, 2)
    assert bot.answer("tell me more", conversation=conversation).text == EMPTY_QUESTION
    bot.answer("What is the weather in Taipei tomorrow?", conversation=conversation)  # abstained on
    assert bot.answer("more?", conversation=conversation).text == EMPTY_QUESTION


class FakeJudge:
    """A topic relevance with set probabilities per article (0 for the rest), recording the topics
    asked and the articles judged."""

    floor = 0.5

    def __init__(self, about: dict[str, float]) -> None:
        self.about = about
        self.topics: list[str] = []
        self.judged: list[list[str]] = []

    def scores(self, topic: str, articles, *, known=None) -> list[float]:
        self.topics.append(topic)
        self.judged.append([a.id for a in articles])
        return [self.about.get(a.id, 0.0) for a in articles]


def test_the_latest_news_on_a_subject_is_led_by_the_newest_article_about_it() -> None:
    question = "What is the H200 fee Washington takes on Nvidia sales to China?"
    judge = FakeJudge({"h200-fee": 0.9, "h200-approval": 0.8})
    bot, _ = answerer(relevance=judge)
    assert bot.answer(question).citations[0].article.id == "h200-fee"  # the ranker's lead (2025-12-01)
    assert judge.topics == []  # no latest news asked for: nothing judged
    latest = bot.answer("latest on the H200 fee Washington takes on Nvidia sales to China")
    assert latest.citations[0].article.id == "h200-approval"  # 2026-01-10, and about the subject
    assert "latest" not in judge.topics[-1] and "H200 fee" in judge.topics[-1]
    # Only the lead and what was published after it are judged: nothing older could lead.
    assert judge.judged[-1] == ["h200-fee", "h200-approval"]
    # A newer article that is not about the subject does not lead.
    bot, _ = answerer(relevance=FakeJudge({"h200-fee": 0.9, "h200-approval": 0.2}))
    assert bot.answer("latest on the H200 fee Washington takes on Nvidia sales to China").citations[0].article.id == (
        "h200-fee"
    )


def test_the_latest_news_on_a_subject_is_answered_when_the_lead_is_about_it() -> None:
    never = replace(SHIPPED, abstainer=SHIPPED.abstainer.at(1.01))  # the abstainer always says no
    question = "H200 fee Washington takes on Nvidia sales to China"
    bot, _ = answerer(models=never, relevance=FakeJudge({"h200-fee": 0.9, "h200-approval": 0.8}))
    assert bot.answer(question).abstained  # not after the latest: the abstainer decides
    latest = bot.answer(f"latest on the {question}")
    assert not latest.abstained and latest.citations[0].article.id == "h200-approval"
    bot, _ = answerer(models=never, relevance=FakeJudge({}))  # nothing is about the subject
    assert bot.answer(f"latest on the {question}").abstained


class BrokenJudge(FakeJudge):
    def scores(self, topic: str, articles, *, known=None) -> list[float]:
        raise RuntimeError("topic model failed to load")


def test_a_failed_topic_judgement_leaves_the_ranker_s_answer(caplog: pytest.LogCaptureFixture) -> None:
    bot, _ = answerer(relevance=BrokenJudge({}))
    answer = bot.answer("latest on the H200 fee Washington takes on Nvidia sales to China")
    assert not answer.abstained and answer.citations[0].article.id == "h200-fee"  # the ranker's lead
    assert "keeping the ranker's order" in caplog.text and "H200" not in caplog.text  # no question text logged


def test_topic_models_that_do_not_load_leave_the_ranker_s_answer(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.answering.model import ModelMismatch
    from bot.answering.relevance import TopicModels

    def refuse() -> TopicModels:
        raise ModelMismatch("topic model features differ from the code's")

    monkeypatch.setattr(TopicModels, "load", staticmethod(refuse))
    bot, _ = answerer()  # builds its TopicRelevance on the first "latest" question
    answer = bot.answer("latest on the H200 fee Washington takes on Nvidia sales to China")
    assert not answer.abstained and answer.citations[0].article.id == "h200-fee"
    assert "keeping the ranker's order" in caplog.text


def test_the_passage_model_picks_the_lead_among_the_ranker_s_first_candidates_only() -> None:
    bot, _ = answerer()
    evidence = bot.read("chips export China Nvidia Japan rules")  # all five articles are candidates
    scores = np.zeros(len(evidence.readings))  # a tie: the ranker keeps the search's order
    ranked = list(range(len(scores)))
    assert len(ranked) > PASSAGE_CANDIDATES and all(evidence.readings[i].windows for i in ranked[:PASSAGE_CANDIDATES])
    # A passage model that prefers the later search hit: among the first candidates, the last leads.
    later = LinearModel(
        PASSAGE, (0.0,) * len(PASSAGE), (1.0,) * len(PASSAGE), (0.0,) * len(PASSAGE), 0.0, kind="pairwise"
    )
    coef = list(later.coef)
    coef[PASSAGE.index("article_retrieval_rank")] = -1.0
    prefers_later = replace(later, coef=tuple(coef))
    windows: dict[int, np.ndarray] = {}
    order = passage_order(prefers_later, evidence, scores, windows)
    head = ranked[:PASSAGE_CANDIDATES]
    assert order == [*reversed(head), *ranked[PASSAGE_CANDIDATES:]]
    assert sorted(windows) == head  # the window features, kept for choosing the quotes
    assert passage_order(None, evidence, scores) == ranked
    # The ranker's score counts too: a first candidate it rates far above the rest keeps the lead.
    clear = scores.copy()
    clear[0] = 4.0 / PASSAGE_RANKER  # 4 logits: more than the passage model's preference for the later hits
    assert passage_order(prefers_later, evidence, clear)[0] == 0


def test_the_latest_news_is_led_by_recency_not_by_the_passage_model() -> None:
    bot, index = answerer()
    question = "What's the latest on chips export China Nvidia Japan rules?"
    evidence = bot.read(question)
    coef = [0.0] * len(PASSAGE)
    coef[PASSAGE.index("article_retrieval_rank")] = -10.0  # would put the ranker's third first
    contrary = LinearModel(PASSAGE, (0.0,) * len(PASSAGE), (1.0,) * len(PASSAGE), tuple(coef), 0.0, kind="pairwise")
    with_passage = Answerer(index, models=replace(ALWAYS_ANSWER, passage=contrary))  # type: ignore[arg-type]
    without = Answerer(index, models=replace(ALWAYS_ANSWER, passage=None))  # type: ignore[arg-type]
    leads = [[c.article.id for c in a.examine(evidence).candidates] for a in (with_passage, without)]
    assert leads[0] == leads[1]
    detail = bot.read("chips export China Nvidia Japan rules")  # the same words, no "latest": the passage model leads
    assert with_passage.examine(detail).candidates[0].article.id != without.examine(detail).candidates[0].article.id


def test_warming_up_loads_what_the_first_question_would_wait_for() -> None:
    from bot.answering import places

    bot, index = answerer()
    places._index.cache_clear()
    bot.warm()
    assert places._index.cache_info().currsize == 1  # the country names, read once
    assert index.queries  # one question was searched: the embedder's session is loaded
    assert bot.weights.documents == len(small_corpus())
