"""The bot end to end through discord.py's real client, command tree and HTTP layer, on SimCord,
answering from a small real index (hash embedder) with the real Answerer."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import simcord

from bot.discordbot.replies import BUSY_TEXT, ERROR_TEXT
from bot.service.workers import WorkerPool
from tests.bot.discord_world import ARTICLES, FakeClock, build_index, make_services, running

DUV = "Which DUV tools need Dutch export licences?"


@pytest.fixture
def index(data_dir: Path):
    return build_index(data_dir)


def callbacks(env, interaction_type: int | None = None) -> list[dict]:
    """JSON bodies of the interaction callbacks the bot sent, in order."""
    return [r.json for r in env.http_requests if r.path.endswith("/callback")]


def embed_text(message) -> str:
    embed = message.embeds[0]
    return "\n".join([embed.title or "", embed.description or "", *(f.value for f in embed.fields)])


async def test_ask_defers_then_answers_with_cited_links(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        result = await w.alice.slash(w.channel, "ask", question=DUV)

        assert [c["type"] for c in callbacks(w.env)] == [5]  # deferred ("thinking…") before anything else
        message = result.response
        assert not result.ephemeral
        text = embed_text(message)
        assert "[1]" in text and "https://news.example/asml-licences" in text and "news.example, 2024-01-02" in text
        assert "Dutch government now requires export licences" in text
        labels = [c.get("label") or c["emoji"]["name"] for row in message.components for c in row["components"]]
        assert labels == ["More sources", "👍", "👎"]
        stored = w.services.feedback.get(1)
        assert stored is not None and stored.question == DUV and stored.cited_ids == ["t-asml"]


async def test_private_ask_is_ephemeral(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        result = await w.alice.slash(w.channel, "ask", question=DUV, private=True)
        assert result.ephemeral and "asml-licences" in embed_text(result.response)


async def test_dm_question_and_follow_up_keep_context(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        await w.alice.send_dm("What did the SMIC teardown show?")
        first = w.alice.user.dm_channel.last_message
        assert "daily.example/smic-7nm" in embed_text(first)

        await w.alice.send_dm("when was that?")
        follow_up = w.alice.user.dm_channel.last_message
        assert follow_up.id != first.id
        assert "daily.example/smic-7nm" in embed_text(follow_up)
        conversation = w.services.conversations.get(w.alice.id, w.alice.user.dm_channel.id)
        assert "SMIC teardown" in (conversation.last_question or "")  # resolved against the first question

        await w.bob.send_dm("when was that?")  # the same words without the context
        assert "smic-7nm" not in embed_text(w.bob.user.dm_channel.last_message)


async def test_mention_in_a_server_is_answered_as_a_reply(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        await w.alice.send(w.channel, "Dutch export licences, anyone?")  # not addressed to the bot
        assert w.channel.last_message.author.id == w.alice.id

        asked = await w.alice.send(w.channel, f"{w.bot.user.mention} {DUV}")
        reply = w.channel.last_message
        assert reply.author.id == w.bot.user.id
        assert reply.reference is not None and reply.reference.message_id == asked.id
        assert "asml-licences" in embed_text(reply)
        assert not reply.mentions  # mention_author=False


async def test_cooldown_refuses_politely_then_recovers(data_dir: Path, index) -> None:
    clock = FakeClock()
    async with running(make_services(data_dir, index, clock=clock)) as w:
        for _ in range(3):
            assert (await w.alice.slash(w.channel, "ask", question=DUV)).response.embeds
        refused = await w.alice.slash(w.channel, "ask", question=DUV)
        assert refused.ephemeral and "Please wait" in refused.response.content
        assert [c["type"] for c in callbacks(w.env)][-1] == 4  # answered at once, nothing computed

        other = await w.bob.slash(w.channel, "ask", question=DUV)  # per user
        assert other.response.embeds
        clock.now += 61
        assert (await w.alice.slash(w.channel, "ask", question=DUV)).response.embeds


async def test_over_long_question_gets_a_clear_message(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        with pytest.raises(simcord.OptionError, match="at most 500 characters"):  # Discord refuses it
            await w.alice.slash(w.channel, "ask", question="chips " * 100)
        result = await w.alice.slash(w.channel, "ask", question="chips " * 60)  # the bot's own, lower limit
        assert result.ephemeral
        assert "360 characters long; please keep it under 300" in result.response.content
        assert w.services.feedback.summary().answers == 0

        await w.alice.send_dm("chips " * 100)
        assert "please keep it under 300" in w.alice.user.dm_channel.last_message.content


async def test_hostile_article_text_never_pings_nor_breaks_markdown(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        result = await w.alice.slash(w.channel, "ask", question="What did the notice say about gallium exports?")
        message = result.response.message
        text = embed_text(result.response)
        assert "odd.example/tariff" in text
        assert "@everyone" not in text and "@here" not in text and "@\u200beveryone" in text
        assert "\\<@&111222333\\>" in text and "\\*\\*not bold\\*\\*" in text and "\\[evil\\]" in text
        assert not message.mention_everyone and not message.mentions and not message.role_mentions
        sent = [r.json for r in w.env.http_requests if r.json and "embeds" in r.json]
        assert sent and all(body["allowed_mentions"] == {"parse": []} for body in sent)


class ExplodingAnswerer:
    def answer(self, question, **kwargs):
        raise RuntimeError("index file vanished")


async def test_error_after_defer_is_an_ephemeral_message_and_a_logged_traceback(
    data_dir: Path, index, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.discordbot.client")
    async with running(make_services(data_dir, index, answerer=ExplodingAnswerer())) as w:
        result = await w.alice.slash(w.channel, "ask", question=DUV)

        assert callbacks(w.env)[0]["type"] == 5  # it had deferred
        assert [f.content for f in result.followups] == [ERROR_TEXT]
        assert result.followups[0].ephemeral
        assert result.response is None  # the public "thinking…" placeholder is gone
        assert any("index file vanished" in r.getMessage() and "Traceback" in r.getMessage() for r in caplog.records)
        assert [type(e.original) for e in w.env.errors] == [RuntimeError]


async def test_busy_pool_tells_the_user(data_dir: Path, index) -> None:
    pool = WorkerPool(max_workers=1, max_queue=0)
    pool._admitted = 1
    async with running(make_services(data_dir, index, workers=pool)) as w:
        result = await w.alice.slash(w.channel, "ask", question=DUV)
        assert [f.content for f in result.followups] == [BUSY_TEXT] and result.followups[0].ephemeral


async def test_feedback_buttons_store_votes_and_more_sources_adds_articles(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        answer = (await w.alice.slash(w.channel, "ask", question=DUV)).response
        up = await w.bob.click(answer, custom_id="chipbot:vote:up:1")
        assert up.ephemeral and "Thanks" in up.response.content
        await w.alice.click(answer, custom_id="chipbot:vote:down:1")
        await w.alice.click(answer, custom_id="chipbot:vote:up:1")  # a changed mind replaces the vote
        summary = w.services.feedback.summary()
        assert (summary.up, summary.down) == (2, 0)

        more = await w.alice.click(answer, label="More sources")
        assert more.ephemeral
        more_text = embed_text(more.response)
        assert "asml-licences" not in more_text  # already cited
        assert any(a["url"] in more_text for a in ARTICLES if a["id"] != "t-asml")


async def test_context_menu_answers_about_a_message(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        said = await w.bob.send(w.channel, "What did the SMIC teardown show?")
        result = await w.alice.context_menu(w.channel, "Ask chipbot", said)
        assert result.ephemeral and "smic-7nm" in embed_text(result.response)


async def test_since_and_source_options_filter_and_bad_values_are_explained(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        bad = await w.alice.slash(w.channel, "ask", question=DUV, since="last-ish")
        assert bad.ephemeral and "2025-03-01" in bad.response.content

        elsewhere = await w.alice.slash(w.channel, "ask", question=DUV, source="wire.example")
        assert "asml-licences" not in embed_text(elsewhere.response)
        later = await w.alice.slash(w.channel, "ask", question=DUV, since="2024-02-01")
        assert "asml-licences" not in embed_text(later.response)  # published 2024-01-02
