"""The operator's side of a running bot, on SimCord: /healthz follows the gateway, /metrics follows
the answers, and both describe the index that serves questions."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
import simcord

from bot.cli import main
from bot.discordbot.client import ChipBot, ShardedChipBot
from bot.discordbot.runner import operations, sync_tree
from bot.service.settings import Settings
from tests.bot.discord_world import ARTICLES, build_index, make_services, running

DUV = "Which DUV tools need Dutch export licences?"


@pytest.fixture
def index(data_dir: Path):
    return build_index(data_dir)


def sample(metrics: str, name: str, **labels: str) -> float:
    """One sample's value from a Prometheus text page (0 when the series is absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}{re.escape('{' + wanted + '}') if wanted else ''} (\S+)$"
    match = re.search(pattern, metrics, re.M)
    return float(match[1]) if match else 0.0


async def get(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url) as response:
        return response.status, await response.text()


@asynccontextmanager
async def endpoints(bot: ChipBot, index, data_dir: Path) -> AsyncIterator[str]:
    settings = Settings(data_dir=data_dir, http_port=0, reload_seconds=0)  # port 0: any free port
    async with operations(bot, index, settings) as server:
        assert server is not None
        yield f"http://127.0.0.1:{server.port}"


async def test_healthz_is_200_when_connected_then_503_after_the_gateway_drops(
    data_dir: Path, index, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with running(make_services(data_dir, index)) as w, endpoints(w.bot, index, data_dir) as base:
        monkeypatch.setenv("CHIPBOT_HTTP_PORT", base.rsplit(":", 1)[1])  # for `chipbot status --live`
        live = ["--data-dir", str(data_dir), "status", "--live"]
        async with aiohttp.ClientSession() as http:
            status, body = await get(http, f"{base}/healthz")
            assert status == 200, body
            health = json.loads(body)
            assert health["ok"] and health["gateway_connected"]
            assert health["index"]["generation"] == index.manifest.generation
            assert health["index"]["articles"] == len(ARTICLES)
            assert health["index"]["newest_article"] == max(a["published"] for a in ARTICLES)
            assert health["worker_jobs"] == 0 and health["feeds"] == []
            assert await asyncio.to_thread(main, live) == 0  # what the container's HEALTHCHECK runs
            assert "gateway: connected" in capsys.readouterr().out

            await w.bot.ws.close()  # SimCord's gateway connection drops
            status, body = await get(http, f"{base}/healthz")
            assert status == 503
            assert json.loads(body)["gateway_connected"] is False
            assert await asyncio.to_thread(main, live) == 1
            assert "HTTP 503" in capsys.readouterr().out


async def test_metrics_count_questions_by_outcome_with_latency(data_dir: Path, index) -> None:
    async with (
        running(make_services(data_dir, index)) as w,
        endpoints(w.bot, index, data_dir) as base,
        aiohttp.ClientSession() as http,
    ):
        _, before = await get(http, f"{base}/metrics")
        assert sample(before, "chipbot_questions_total", outcome="answered") == 0
        assert sample(before, "chipbot_articles_indexed") == len(ARTICLES)
        assert sample(before, "chipbot_newest_article_age_seconds") > 0

        await w.alice.slash(w.channel, "ask", question=DUV)
        await w.alice.slash(w.channel, "ask", question="What did the Martian parliament decide on tulips?")
        _, after = await get(http, f"{base}/metrics")
        assert sample(after, "chipbot_questions_total", outcome="answered") == 1
        assert sample(after, "chipbot_questions_total", outcome="abstained") == 1
        assert sample(after, "chipbot_answer_seconds_count") == 2
        assert sample(after, "chipbot_answer_seconds_sum") > 0
        assert sample(after, "chipbot_busy_refusals_total") == 0


async def test_a_full_pool_counts_as_busy(data_dir: Path, index) -> None:
    from bot.service.workers import WorkerPool

    pool = WorkerPool(max_workers=1, max_queue=0)
    pool._admitted = 1  # every slot taken
    async with running(make_services(data_dir, index, workers=pool)) as w, endpoints(w.bot, index, data_dir) as base:
        await w.alice.slash(w.channel, "ask", question=DUV)
        async with aiohttp.ClientSession() as http:
            _, page = await get(http, f"{base}/metrics")
            status, body = await get(http, f"{base}/healthz")
        assert sample(page, "chipbot_busy_refusals_total") == 1
        assert sample(page, "chipbot_questions_total", outcome="busy") == 1
        assert sample(page, "chipbot_worker_jobs") == 1
        assert status == 200 and '"worker_jobs": 1' in body


async def test_sharded_bot_answers_and_its_health_follows_each_shard(
    data_dir: Path, index, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.discordbot.client")
    services = make_services(data_dir, index)
    bot = ShardedChipBot(services, shard_count=2)
    try:
        async with simcord.run(bot) as env, endpoints(bot, index, data_dir) as base:
            await sync_tree(bot)
            guild = env.create_guild(shard_id=1)
            channel = guild.create_text_channel("general")
            alice = guild.add_member(env.create_user("alice"))
            answer = await alice.slash(channel, "ask", question=DUV)
            embed = answer.response.embeds[0]
            assert "asml-licences" in "\n".join([embed.description or "", *(f.value for f in embed.fields)])
            async with aiohttp.ClientSession() as http:
                assert (await get(http, f"{base}/healthz"))[0] == 200
                await bot.get_shard(1).disconnect()
                assert (await get(http, f"{base}/healthz"))[0] == 503
                await bot.get_shard(1).reconnect()
                await env.settle()
                assert (await get(http, f"{base}/healthz"))[0] == 200
                _, page = await get(http, f"{base}/metrics")
            assert sample(page, "chipbot_questions_total", outcome="answered") == 1
        events = [r.getMessage() for r in caplog.records if r.name == "bot.discordbot.client"]
        assert "gateway connected (shard 0)" in events and "gateway connected (shard 1)" in events
        dropped = events.index("gateway disconnected (shard 1); discord.py reconnects on its own")
        assert "gateway connected (shard 1)" in events[dropped:]
    finally:
        services.feedback.close()


async def test_a_taken_port_is_a_clear_error() -> None:
    from bot.service.health import Health
    from bot.service.metrics import Metrics
    from bot.service.ops_http import EndpointError, OpsServer

    first = OpsServer(lambda: True, lambda connected: Health(None, []), Metrics(), port=0)
    await first.start()
    try:
        second = OpsServer(lambda: True, lambda connected: Health(None, []), Metrics(), port=first.port)
        with pytest.raises(EndpointError, match=rf"127.0.0.1:{first.port} .* set CHIPBOT_HTTP_PORT to a free port"):
            await second.start()
    finally:
        await first.stop()
