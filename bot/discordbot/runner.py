"""Running the bot for real: token hygiene, graceful shutdown on SIGINT/SIGTERM, explicit command sync,
sharding, and the operator's side (``/healthz`` and ``/metrics``, following generations built elsewhere)."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.discordbot.client import ChipBot, ShardedChipBot
from bot.service.collaborators import Services
from bot.service.health import Health, IndexFacts
from bot.service.logs import REDACTED, RedactSecrets
from bot.service.ops_http import OpsServer
from bot.service.settings import Settings
from bot.service.sharding import ShardPlan, plan_shards
from bot.service.wiring import make_services

if TYPE_CHECKING:
    from index.search import Index

log = logging.getLogger(__name__)
__all__ = ["REDACTED", "InvalidToken", "RedactSecrets", "install_redaction", "run_bot", "sync_commands"]


class InvalidToken(Exception):
    """Discord refused DISCORD_TOKEN (wrong, reset or malformed)."""


class DropVoiceWarnings(logging.Filter):
    """chipbot never joins voice; discord.py's "PyNaCl is not installed" warnings are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


def install_redaction(secrets: Iterable[str], root: logging.Logger | None = None) -> RedactSecrets:
    """Attach the filter to every handler of the root and discord loggers (filters on handlers see
    records from every logger that propagates to them, including discord.py's debug logging)."""
    flt = RedactSecrets(secrets)
    root = root or logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for logger in (root, logging.getLogger("discord")):
        for handler in logger.handlers:
            handler.addFilter(flt)
    return flt


def run_bot(settings: Settings, index: Index) -> None:
    """Run until SIGINT/SIGTERM; raises :class:`InvalidToken` when Discord refuses the token."""
    assert settings.discord_token
    install_redaction([settings.discord_token, settings.llm_api_key or ""])
    logging.getLogger("discord.client").addFilter(DropVoiceWarnings())
    asyncio.run(_serve(settings, index, settings.discord_token))


async def recommended_shards(token: str) -> int:
    """Discord's recommended shard count for this bot (``GET /gateway/bot``)."""
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        await http.static_login(token)
        shards, _, _ = await http.get_bot_gateway()
        return int(shards)
    except discord.LoginFailure as exc:
        raise InvalidToken(str(exc)) from None
    except (discord.HTTPException, discord.GatewayNotFound) as exc:
        log.warning("could not ask Discord for a shard count (%s): starting unsharded", exc)
        return 1
    finally:
        await http.close()


def make_bot(services: Services, plan: ShardPlan) -> ChipBot:
    if not plan.sharded:
        return ChipBot(services)
    ids = list(plan.shard_ids) if plan.shard_ids is not None else None
    return ShardedChipBot(services, shard_count=plan.shard_count, shard_ids=ids)


def health_report(index: Index, services: Services) -> Callable[[bool], Health]:
    """What ``/healthz`` reports, given whether the gateway is connected (read on the event loop)."""

    def report(connected: bool) -> Health:
        feeds = services.journal.feeds() if services.journal is not None else []
        return Health(IndexFacts.loaded(index), feeds, connected, services.workers.pending)

    return report


@asynccontextmanager
async def operations(bot: ChipBot, index: Index, settings: Settings) -> AsyncIterator[OpsServer | None]:
    """While the bot runs: ``/healthz`` and ``/metrics`` (unless CHIPBOT_HTTP_PORT=off). Generations
    built by another process are taken into service by the refresher's ``IndexSwapper``."""
    services = bot.services
    server = None
    if settings.http_port is not None:
        metrics = services.metrics

        def newest() -> date | None:
            latest = index.latest(1)
            return latest[0].published if latest else None

        metrics.watch(lambda: index.manifest.articles, newest, lambda: services.workers.pending)
        report = health_report(index, services)
        server = OpsServer(bot.gateway_connected, report, metrics, host=settings.http_host, port=settings.http_port)
        await server.start()
    try:
        yield server
    finally:
        if server is not None:
            await server.stop()


async def _serve(settings: Settings, index: Index, token: str) -> None:
    services = make_services(settings, index)
    started = time.perf_counter()
    await services.workers.run(services.answerer.warm)
    log.info("answerer warmed up in %.0f ms", (time.perf_counter() - started) * 1000)
    plan = await plan_shards(settings, lambda: recommended_shards(token))
    log.info("gateway: %s", plan.describe())
    bot = make_bot(services, plan)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with bot, operations(bot, index, settings):
            runner = asyncio.create_task(bot.start(token), name="chipbot")
            stopper = asyncio.create_task(stop.wait(), name="chipbot-signals")
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                log.warning("signal received: closing the Discord connection")
                await bot.close()
            stopper.cancel()
            try:
                await runner
            except discord.LoginFailure as exc:
                raise InvalidToken(str(exc)) from None
    finally:
        services.feedback.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def sync_commands(settings: Settings, index: Index, *, guild_id: int | None = None) -> list[str]:
    """Register the application commands with Discord: to one guild (instant) or globally."""
    assert settings.discord_token
    install_redaction([settings.discord_token])
    return asyncio.run(_sync(settings, index, settings.discord_token, guild_id))


async def _sync(settings: Settings, index: Index, token: str, guild_id: int | None) -> list[str]:
    services = make_services(settings, index, background=False)
    bot = ChipBot(services)
    try:
        async with bot:
            try:
                await bot.login(token)
            except discord.LoginFailure as exc:
                raise InvalidToken(str(exc)) from None
            return await sync_tree(bot, guild_id)
    finally:
        services.feedback.close()


async def sync_tree(bot: ChipBot, guild_id: int | None = None) -> list[str]:
    if guild_id is None:
        synced = await bot.tree.sync()
    else:
        guild = discord.Object(guild_id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    log.info("synced %d commands to %s", len(synced), guild_id or "all guilds")
    return [command.name for command in synced]
