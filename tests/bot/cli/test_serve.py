"""`chipbot run` / `chipbot sync` plumbing: token hygiene, the terminal fallback, the refresher loop."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sqlite3
from pathlib import Path

import pytest

import bot.cli.serve as discord_cli
from bot.cli import main
from bot.service.refresh import Refresher, UpdateOutcome, load_feeds
from bot.discordbot.runner import REDACTED, InvalidToken, install_redaction

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.fake-token-for-tests_0123456789abcdef"


def test_token_never_reaches_the_log_output_even_from_discord_debug_logs() -> None:
    stream = io.StringIO()
    root = logging.Logger("test-root")
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    install_redaction([TOKEN], root=root)
    gateway = logging.getLogger("discord.gateway")
    record = gateway.makeRecord("discord.gateway", logging.DEBUG, __file__, 1, "identify %s", ({"token": TOKEN},), None)
    handler.handle(record)
    try:
        raise RuntimeError(f"401 for token {TOKEN}")
    except RuntimeError:
        handler.handle(root.makeRecord("x", logging.ERROR, __file__, 1, "login failed", (), __import__("sys").exc_info()))
    out = stream.getvalue()
    assert TOKEN not in out and out.count(REDACTED) == 2 and "identify" in out


def test_run_without_a_token_starts_the_terminal_session(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = []
    monkeypatch.setattr("bot.service.bootstrap.ensure_index", lambda settings: calls.append("index") or object())
    monkeypatch.setattr("bot.cli.ask.run_chat", lambda settings, stdin, stdout: calls.append("chat") or 0, raising=False)
    assert main(["--data-dir", str(tmp_path), "run"]) == 0
    assert calls == ["index", "chat"]


def test_an_invalid_token_gets_one_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setattr("bot.service.bootstrap.ensure_index", lambda settings: object())

    def refuse(settings, index) -> None:
        raise InvalidToken("Improper token has been passed.")

    monkeypatch.setattr("bot.discordbot.runner.run_bot", refuse)
    assert main(["--data-dir", str(tmp_path), "run"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == discord_cli.TOKEN_HELP and TOKEN not in err


def test_sync_needs_a_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "sync", "--guild", "123"]) == 2
    assert "needs DISCORD_TOKEN" in capsys.readouterr().err


def test_feeds_file_formats(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('feeds = ["https://a.example/rss"]\n[[feed]]\nname = "B"\nurl = "https://b.example/atom"\n')
    assert load_feeds(path) == ["https://a.example/rss", "https://b.example/atom"]
    bundled = Path(__import__("corpus").__file__).with_name("feeds.toml")
    assert all(url.startswith("https://") for url in load_feeds(bundled))


class FakeIndex:
    def __init__(self) -> None:
        self.generation = 0

    def reload_if_changed(self) -> bool:
        return self.generation > 0


async def test_background_refresh_polls_on_its_interval_and_survives_failures() -> None:
    polls: list[list[str]] = []
    index = FakeIndex()
    swaps: list[bool] = []

    def update(sources, feeds) -> UpdateOutcome:
        polls.append(list(feeds))
        if len(polls) == 1:
            raise OSError("feed unreachable")
        index.generation += 1
        return UpdateOutcome(added=2, failed=["https://b.example/atom: HTTP 500"])

    refresher = Refresher(update, index, feeds=["https://a.example/rss"], interval_s=0.01, on_swap=lambda: swaps.append(True))
    refresher.start()
    for _ in range(200):
        await asyncio.sleep(0.01)
        if refresher.last is not None and refresher.last.swapped:
            break
    await refresher.stop()
    assert polls[:2] == [["https://a.example/rss"]] * 2
    assert refresher.last.outcome.added == 2 and refresher.last.outcome.failed and swaps
    assert not refresher.status().running


class FakeGatewayBot:
    """Stands in for ChipBot's connection: ``start`` runs until ``close`` (or refuses the token)."""

    instances: list[FakeGatewayBot] = []

    def __init__(self, services, refuse: bool = False) -> None:
        self.services = services
        self.closed = asyncio.Event()
        self.refuse = refuse
        FakeGatewayBot.instances.append(self)

    async def __aenter__(self) -> FakeGatewayBot:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self, token: str) -> None:
        if self.refuse:
            import discord

            raise discord.LoginFailure("Improper token has been passed.")
        await self.closed.wait()

    async def close(self) -> None:
        self.closed.set()


@pytest.fixture
def fake_gateway(monkeypatch: pytest.MonkeyPatch, data_dir: Path):
    from bot.service.settings import Settings
    from tests.bot.discord_world import build_index, make_services

    index = build_index(data_dir)
    services = make_services(data_dir, index)
    FakeGatewayBot.instances.clear()
    monkeypatch.setattr("bot.discordbot.runner.make_services", lambda settings, index: services)
    return Settings(data_dir=data_dir, discord_token=TOKEN), index, services


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_sigterm_and_sigint_close_the_bot_gracefully(fake_gateway, monkeypatch, signum: int) -> None:
    from bot.discordbot import runner

    settings, index, services = fake_gateway
    monkeypatch.setattr(runner, "ChipBot", FakeGatewayBot)
    serving = asyncio.create_task(runner._serve(settings, index, TOKEN))  # noqa: SLF001
    while not FakeGatewayBot.instances:
        await asyncio.sleep(0.01)
    os.kill(os.getpid(), signum)
    await asyncio.wait_for(serving, 5)
    assert FakeGatewayBot.instances[0].closed.is_set()
    with pytest.raises(sqlite3.ProgrammingError):  # the feedback database was closed
        services.feedback.summary()


async def test_a_refused_token_raises_invalid_token(fake_gateway, monkeypatch) -> None:
    from bot.discordbot import runner

    settings, index, _ = fake_gateway
    monkeypatch.setattr(runner, "ChipBot", lambda services: FakeGatewayBot(services, refuse=True))
    with pytest.raises(InvalidToken):
        await runner._serve(settings, index, TOKEN)  # noqa: SLF001
