"""Every option of every slash command (and the message menu), driven through SimCord with hostile
values: mentions, markdown, backticks, control characters, dates at the ends of the calendar, and
values up to 6,000 characters. Over 1,000 interactions: no error, no message over a Discord limit,
nothing that pings, nothing echoed unescaped.

Discord refuses values longer than an option's declared maximum before the bot sees them; here that
check is switched off (as for a client that ignores it), so the bot's own bounds are what is tested.
One SimCord world serves every example (hypothesis drives it example by example on one event loop).
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import simcord.env
import simcord.interactions
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.answerer import Answerer
from bot.discordbot.render import MAX_CONTENT, MAX_DESCRIPTION, MAX_FIELDS, MAX_TITLE, MAX_TOTAL
from bot.discordbot.replies import ERROR_TEXT
from bot.service.cooldown import Cooldown
from bot.service.refresh import Refresher, UpdateOutcome
from bot.service.settings import Settings
from bot.service.wiring import make_follows
from bot.service.workers import WorkerPool
from tests.bot.discord_world import build_index, make_services, running
from tests.bot.discordbot.hostile import MARKUP

PIECES = [
    *MARKUP,
    "ASML export licences",
    "2025-03-01",
    "30d",
    "9999y",
    "0001-01-01",
    "9999-12-31",
    "https://",
]
hostile = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=12).map("".join)
long = st.tuples(st.sampled_from([*PIECES, "x", "chips "]), st.integers(100, 6000)).map(
    lambda t: (t[0] * (t[1] // max(len(t[0]), 1) + 1))[: t[1]]
)
edge_dates = st.one_of(
    st.dates(date(1, 1, 1), date(1, 12, 31)), st.dates(date(9999, 1, 1), date(9999, 12, 31)), st.dates()
).map(date.isoformat)
spans = st.tuples(st.integers(0, 10**6), st.sampled_from(["d", "w", "m", "y", " days", " years"])).map(
    lambda t: f"{t[0]}{t[1]}"
)
value = st.one_of(hostile, long, st.just(""))
since = st.one_of(st.none(), value, edge_dates, spans)
optional = st.one_of(st.none(), value)

MENTION = re.compile(r"@(everyone|here)|(?<!\\)<[@#t]")  # a live mass mention, user/role/channel or timestamp


def reply_texts(result) -> list[str]:
    messages = [m for m in [result.response, *result.followups] if m is not None]
    texts = []
    for message in messages:
        texts.append(message.content or "")
        for embed in message.embeds:
            texts += [embed.title or "", embed.description or "", embed.footer.text or ""]
            texts += [f"{f.name}\n{f.value}" for f in embed.fields]
    return texts


def check_sent(bodies: list[dict[str, Any]]) -> None:
    """Every message the bot sent: inside Discord's limits, and never allowed to ping."""
    for body in bodies:
        assert len(body.get("content") or "") <= MAX_CONTENT
        embeds = body.get("embeds") or []
        assert len(embeds) <= 10
        for embed in embeds:
            size = len(embed.get("title") or "") + len(embed.get("description") or "")
            size += len((embed.get("footer") or {}).get("text") or "")
            size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or [])
            assert size <= MAX_TOTAL and len(embed.get("title") or "") <= MAX_TITLE
            assert (
                len(embed.get("description") or "") <= MAX_DESCRIPTION and len(embed.get("fields") or []) <= MAX_FIELDS
            )
        if "content" in body or "embeds" in body:
            assert body.get("allowed_mentions") == {"parse": []}, body.get("allowed_mentions")


CASES_PER_WORLD = 25  # SimCord's settling grows with the views a world holds: a fresh world now and then


class Driver:
    """Hands interactions, one at a time, to the task that holds the SimCord world (SimCord keeps
    its state in context variables of that task), and checks everything each one produced."""

    def __init__(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> None:
        self.loop, self.queue = loop, queue
        self.cases = 0

    def call(self, make: Callable[[Any], Coroutine[Any, Any, Any]]) -> tuple[Any, tuple, list[Any], int]:
        done: Future[Any] = Future()
        self.loop.call_soon_threadsafe(self.queue.put_nowait, (make, done))
        return done.result(timeout=120)

    def run(self, make: Callable[[Any], Coroutine[Any, Any, Any]], *, names_channel: bool = False) -> None:
        """``names_channel``: the reply may name the channel it was asked in (/follow says where it
        posts); that one channel mention, which pings nobody, is the only one allowed."""
        result, errors, bodies, channel_id = self.call(make)
        assert errors == (), errors
        check_sent([body for body in bodies if isinstance(body, dict)])
        for text in reply_texts(result):
            assert ERROR_TEXT not in text
            shown = text.replace(f"<#{channel_id}>", "") if names_channel else text
            assert not MENTION.search(shown), text[:300]
        for message in [result.response, *result.followups]:
            if message is not None and hasattr(message, "message"):
                raw = message.message
                assert not raw.mention_everyone and not raw.mentions and not raw.role_mentions
        self.cases += 1


async def serve(new_services: Callable[[], Any], queue_ready: Future[Any]) -> None:
    """Hold a world in this one task and run the interactions handed over (with what they caused:
    errors and REST bodies), a fresh world every ``CASES_PER_WORLD``, until told to stop."""
    queue: asyncio.Queue = asyncio.Queue()
    queue_ready.set_result((asyncio.get_running_loop(), queue))
    while True:
        services = new_services()
        async with running(services) as w:
            services.admin_ids = frozenset({w.alice.id})
            await grant_admin_commands(w)
            for _ in range(CASES_PER_WORLD):
                item = await queue.get()
                if item is None:
                    return
                make, done = item
                cursor, sent = w.env.error_cursor, len(w.env.http_requests)
                try:
                    result = await make(w)
                    sent_bodies = [r.json for r in w.env.http_requests[sent:]]
                    done.set_result((result, w.env.errors_since(cursor), sent_bodies, w.channel.id))
                except BaseException as exc:
                    done.set_exception(exc)


async def grant_admin_commands(w) -> None:
    """Alice is a chipbot admin; the server lets her see the admin commands too."""
    for command in await w.bot.tree.fetch_commands():
        if command.name in ("ingest", "refresh", "stats", "follow", "unfollow"):
            w.guild.set_command_permissions(command.id, {w.alice: True})


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run: a failure is reproducible, the runtime stable
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@pytest.fixture
def unvalidated_lengths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let values past an option's declared length through, as a client that ignores it would."""
    real = simcord.interactions.validate_option_value

    def lenient(command_name: str, option: dict[str, Any], value: Any) -> Any:
        return real(command_name, {k: v for k, v in option.items() if k not in ("min_length", "max_length")}, value)

    monkeypatch.setattr(simcord.interactions, "validate_option_value", lenient)
    # SimCord settles each interaction by polling every `idle` s (its public settle() takes it too);
    # a shorter poll only makes the 1,000 interactions quicker to run.
    monkeypatch.setitem(simcord.env.Env._settle_internal.__kwdefaults__, "idle", 0.005)


def test_every_option_of_every_command_with_hostile_values(data_dir: Path, unvalidated_lengths: None) -> None:
    index = build_index(data_dir)

    def update(sources, feeds) -> UpdateOutcome:
        if sources and "raise" in sources[0]:
            raise OSError(f"could not fetch {sources[0]}")
        return UpdateOutcome(failed=[f"{s}: not an article page" for s in sources])

    answerer = Answerer(index)
    config = Settings.from_env(data_dir=data_dir, env={"CHIPBOT_FOLLOW_POLL_SECONDS": "3600"})
    follows, timelines = make_follows(config, index, answerer)

    def new_services():
        return make_services(
            data_dir,
            index,
            answerer=answerer,
            cooldown=Cooldown(rate=10**9, per=1.0),
            workers=WorkerPool(max_workers=2, max_queue=64),
            refresher=Refresher(update, index, check_s=0),
            follows=follows,
            timelines=timelines,
        )

    queue_ready: Future[Any] = Future()
    thread = threading.Thread(target=lambda: asyncio.run(serve(new_services, queue_ready)), daemon=True)
    thread.start()
    loop, queue = queue_ready.result(timeout=60)
    try:
        drive(Driver(loop, queue))
    finally:
        loop.call_soon_threadsafe(queue.put_nowait, None)
        thread.join(60)


def options(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def drive(d: Driver) -> None:
    @examples(300)
    @given(value, since, optional, st.booleans())
    def ask(question: str, since: str | None, source: str | None, private: bool) -> None:
        chosen = options(question=question, since=since, source=source)
        d.run(lambda w: w.alice.slash(w.channel, "ask", **chosen, private=private))

    @examples(250)
    @given(value, since, optional)
    def search(query: str, since: str | None, source: str | None) -> None:
        d.run(lambda w: w.alice.slash(w.channel, "search", **options(query=query, since=since, source=source)))

    @examples(200)
    @given(optional)
    def latest(topic: str | None) -> None:
        d.run(lambda w: w.alice.slash(w.channel, "latest", **options(topic=topic)))

    @examples(150)
    @given(st.one_of(value, value.map(lambda v: "https://" + v), value.map(lambda v: "https://raise/" + v)))
    def ingest(url: str) -> None:
        d.run(lambda w: w.alice.slash(w.channel, "ingest", url=url))

    @examples(150)
    @given(value.map(lambda v: v[:2000]).filter(lambda v: v.strip()))
    def menu(content: str) -> None:
        async def ask_about(w):
            said = await w.bob.send(w.channel, content)
            return await w.alice.context_menu(w.channel, "Ask chipbot", said)

        d.run(ask_about)

    @examples(60)
    @given(value, optional, st.sampled_from(["each", "digest"]))
    def follow(topic: str, source: str | None, mode: str) -> None:
        chosen = options(topic=topic, source=source)
        d.run(lambda w: w.alice.slash(w.channel, "follow", **chosen, mode=mode), names_channel=True)

    @examples(40)
    @given(value)
    def unfollow(topic: str) -> None:
        d.run(lambda w: w.alice.slash(w.channel, "unfollow", topic=topic), names_channel=True)

    @examples(40)
    @given(value, since)
    def timeline(topic: str, since: str | None) -> None:
        d.run(lambda w: w.alice.slash(w.channel, "timeline", **options(topic=topic, since=since)))

    for test in (ask, search, latest, ingest, menu, follow, unfollow, timeline):
        test()
    for name in ("sources", "help", "about", "refresh", "stats", "following"):  # no options: each a few times
        for _ in range(4):
            d.run(lambda w, name=name: w.alice.slash(w.channel, name), names_channel=name == "following")
    assert d.cases >= 1000, d.cases
