"""``/healthz`` and ``/metrics`` over HTTP while the bot runs, on aiohttp (installed with discord.py).

It listens on 127.0.0.1 unless told otherwise (``CHIPBOT_HTTP_HOST``): the body says which index
serves questions and how each feed fared, which is for operators, not the internet. Both handlers
do their reading (SQLite, the metric registry) in a thread, so a scrape never stalls the gateway.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.service.health import Health
from bot.service.metrics import Metrics

log = logging.getLogger(__name__)


class EndpointError(Exception):
    """The health and metrics endpoint could not listen (port taken, address not on this machine)."""


class OpsServer:
    """``connected`` is read on the event loop; ``report(connected)`` gathers the rest in a thread."""

    def __init__(
        self,
        connected: Callable[[], bool],
        report: Callable[[bool], Health],
        metrics: Metrics,
        *,
        host: str = "127.0.0.1",
        port: int = 8321,
    ) -> None:
        self.connected = connected
        self.report = report
        self.metrics = metrics
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics_page)
        return app

    async def healthz(self, request: web.Request) -> web.Response:
        health = await asyncio.to_thread(self.report, self.connected())
        body = json.dumps(health.as_json(), indent=1)
        return web.Response(text=body, status=200 if health.ok else 503, content_type="application/json")

    async def metrics_page(self, request: web.Request) -> web.Response:
        body = await asyncio.to_thread(self.metrics.render)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def start(self) -> None:
        """Listen; with port 0 the system picks a free port, then ``self.port`` is the real one."""
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise EndpointError(
                f"cannot listen on {self.host}:{self.port} for /healthz and /metrics ({exc.strerror or exc}): "
                "set CHIPBOT_HTTP_PORT to a free port, or CHIPBOT_HTTP_PORT=off"
            ) from None
        self._runner = runner
        if self.port == 0 and runner.addresses:
            self.port = int(runner.addresses[0][1])
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
