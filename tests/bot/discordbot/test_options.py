"""Every slash-command option is bounded (declared to Discord and checked by the bot), and every value
echoed back is escaped and clipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.discordbot.options import ECHO_CHARS, echo
from tests.bot.discord_world import build_index, make_services, running


@pytest.fixture
def index(data_dir: Path):
    return build_index(data_dir)


async def test_every_string_option_declares_a_maximum_length(data_dir: Path, index) -> None:
    async with running(make_services(data_dir, index)) as w:
        synced = next(r.json for r in w.env.http_requests if r.method == "PUT" and r.path.endswith("/commands"))
    strings = {(c["name"], o["name"]): o for c in synced for o in c.get("options", []) if o["type"] == 3}
    assert set(strings) == {
        ("ask", "question"),
        ("ask", "since"),
        ("ask", "source"),
        ("search", "query"),
        ("search", "since"),
        ("search", "source"),
        ("latest", "topic"),
        ("ingest", "url"),
        ("follow", "topic"),
        ("follow", "mode"),
        ("follow", "source"),
        ("unfollow", "topic"),
        ("timeline", "topic"),
        ("timeline", "since"),
    }
    choices = {key for key, o in strings.items() if o.get("choices")}
    assert choices == {("follow", "mode")}  # bounded by its choices (and checked again by the follow store)
    assert all(0 < o["max_length"] <= 2000 for key, o in strings.items() if key not in choices), strings


def test_echo_escapes_mentions_markdown_and_backticks_and_clips() -> None:
    shown = echo("@everyone <@123> <@&456> **bold** `code` " + "x" * 3000)
    assert len(shown) <= ECHO_CHARS and shown.endswith("…")
    assert "@\u200beveryone" in shown and "\\<@123\\>" in shown and "\\<@&456\\>" in shown
    assert "\\*\\*bold\\*\\*" in shown and "\\`code\\`" in shown


async def test_a_long_hostile_since_is_refused_with_a_short_escaped_echo(data_dir: Path, index) -> None:
    hostile = "@everyone `x` <@123> " + "9" * 19  # within Discord's bound, not a date
    async with running(make_services(data_dir, index)) as w:
        for command, options in (("ask", {"question": "ASML licences?"}), ("search", {"query": "ASML"})):
            result = await w.alice.slash(w.channel, command, since=hostile, **options)
            text = result.response.content
            assert result.ephemeral and "2025-03-01" in text and len(text) < 300
            assert "@\u200beveryone \\`x\\` \\<@123\\>" in text
        far = await w.alice.slash(w.channel, "ask", question="ASML licences?", since="9999y")  # over a century
        assert far.ephemeral and "span like 30d" in far.response.content
        ancient = await w.alice.slash(w.channel, "ask", question="ASML licences?", since="0001-01-01")
        assert ancient.response.embeds  # the earliest date there is: answered, no OverflowError
