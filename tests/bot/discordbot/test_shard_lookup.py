"""`recommended_shards` against a local stand-in for Discord's REST API (discord.py's own HTTP client,
only its base URL pointed at 127.0.0.1)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import discord
import pytest
from aiohttp import web

from bot.discordbot.runner import InvalidToken, recommended_shards

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.fake-token-for-tests_0123456789abcdef"
ME = {"id": "1", "username": "chipbot", "discriminator": "0", "avatar": None, "bot": True}


def reply(body: dict, status: int = 200) -> web.Response:
    """discord.py parses a body as JSON only under exactly this content type (no charset)."""
    return web.Response(body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"})


@pytest.fixture
async def discord_api(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[dict]:
    state: dict = {"shards": 3, "gateway_status": 200, "seen": []}

    async def me(request: web.Request) -> web.Response:
        state["seen"].append(request.headers.get("Authorization"))
        if request.headers.get("Authorization") != f"Bot {TOKEN}":
            return reply({"message": "401: Unauthorized", "code": 0}, status=401)
        return reply(ME)

    async def gateway(request: web.Request) -> web.Response:
        if state["gateway_status"] != 200:
            return reply({"message": "oops", "code": 0}, status=state["gateway_status"])
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return reply({"url": "wss://gateway.invalid", "shards": state["shards"], "session_start_limit": limit})

    app = web.Application()
    app.router.add_get("/api/v10/users/@me", me)
    app.router.add_get("/api/v10/gateway/bot", gateway)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    yield state
    await runner.cleanup()


async def test_discords_recommendation_is_read(discord_api: dict) -> None:
    assert await recommended_shards(TOKEN) == 3
    discord_api["shards"] = 1
    assert await recommended_shards(TOKEN) == 1


async def test_a_refused_token_is_invalid_token(discord_api: dict) -> None:
    with pytest.raises(InvalidToken):
        await recommended_shards("not-the-token")


async def test_no_answer_from_the_gateway_endpoint_means_unsharded(discord_api: dict, caplog) -> None:
    discord_api["gateway_status"] = 404
    assert await recommended_shards(TOKEN) == 1
    assert "could not ask Discord for a shard count" in caplog.text
