from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sqlite3
from pathlib import Path
from typing import ClassVar

import pytest

from bot.discordbot.runner import REDACTED, InvalidToken, install_redaction

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.fake-token-for-tests_0123456789abcdef"


def test_token_never_reaches_the_log_output_even_from_discord_debug_logs() -> None:
    stream = io.StringIO()
    root = logging.getLogger("test-root")
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    install_redaction([TOKEN], root=root)
    gateway = logging.getLogger("discord.gateway")
    record = gateway.makeRecord("discord.gateway", logging.DEBUG, __file__, 1, "identify %s", ({"token": TOKEN},), None)
    handler.handle(record)
    try:
        raise RuntimeError(f"401 for token {TOKEN}")
    except RuntimeError:
        handler.handle(
            root.makeRecord("x", logging.ERROR, __file__, 1, "login failed", (), __import__("sys").exc_info())
        )
    out = stream.getvalue()
    assert TOKEN not in out and out.count(REDACTED) == 2 and "identify" in out


class FakeGatewayBot:
    """Stands in for ChipBot's connection: ``start`` runs until ``close`` (or refuses the token)."""

    instances: ClassVar[list[FakeGatewayBot]] = []

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

    def gateway_connected(self) -> bool:
        return not self.closed.is_set()


@pytest.fixture
def fake_gateway(monkeypatch: pytest.MonkeyPatch, data_dir: Path):
    from bot.service.settings import Settings
    from tests.bot.discord_world import build_index, make_services

    index = build_index(data_dir)
    services = make_services(data_dir, index)
    FakeGatewayBot.instances.clear()
    monkeypatch.setattr("bot.discordbot.runner.make_services", lambda settings, index: services)
    settings = Settings(data_dir=data_dir, discord_token=TOKEN, sharding="off", http_port=0)
    return settings, index, services


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_sigterm_and_sigint_close_the_bot_gracefully(fake_gateway, monkeypatch, signum: int) -> None:
    from bot.discordbot import runner

    settings, index, services = fake_gateway
    monkeypatch.setattr(runner, "ChipBot", FakeGatewayBot)
    serving = asyncio.create_task(runner._serve(settings, index, TOKEN))
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
        await runner._serve(settings, index, TOKEN)
