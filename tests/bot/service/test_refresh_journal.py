"""Each feed's refresh outcome: attributed per feed by the real updater over a local HTTP server,
logged, counted in the metrics, saved for `chipbot status`, and read back after a restart."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.service.metrics import Metrics
from bot.service.refresh import IndexUpdater, Refresher
from bot.service.refresh_journal import STATE_FILE, RefreshJournal
from corpus.sources import Fetcher
from index.embed import make_embedder
from tests.corpus.test_web import FixtureServer, Handler


@pytest.fixture
def base() -> Iterator[str]:
    srv = FixtureServer(("127.0.0.1", 0), Handler)
    srv.requests, srv.version = [], 1
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


class NoIndex:
    def reload_if_changed(self) -> bool:
        return False


async def test_each_feed_gets_its_outcome_in_the_log_the_metrics_and_the_state_file(
    data_dir: Path, base: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO, logger="bot.service.refresh")
    metrics = Metrics()
    journal = RefreshJournal.open(data_dir, metrics)
    feeds = [f"{base}/feed.xml", f"{base}/broken.xml", f"{base}/gone.xml"]
    fetcher = Fetcher(allow_private=True, min_interval_s=0, retries=0)  # the feeds are on 127.0.0.1
    updater = IndexUpdater(data_dir, make_embedder("hash-test", "hash"), fetcher)
    refresher = Refresher(updater, NoIndex(), feeds=feeds, observers=[journal.record])
    try:
        first = await refresher.refresh_now()
        second = await refresher.refresh_now()  # the feed answers 304 Not Modified now
    finally:
        await refresher.stop()

    outcomes = first.outcome.feeds
    assert outcomes[feeds[0]].result == "ok" and outcomes[feeds[0]].added == 2
    assert outcomes[feeds[1]].result == "failed" and "feed" in (outcomes[feeds[1]].error or "")
    assert outcomes[feeds[2]].result == "failed" and "404" in (outcomes[feeds[2]].error or "")
    assert second.outcome.feeds[feeds[0]].result == "not_modified"

    feed_lines = [r for r in caplog.records if getattr(r, "event", None) == "feed"]
    assert len(feed_lines) == 6
    assert [r.levelname for r in feed_lines[:3]] == ["INFO", "WARNING", "WARNING"]
    assert feed_lines[0].getMessage() == f"feed {feeds[0]}: +2 new, 0 updated"

    page = metrics.render().decode()
    assert f'chipbot_feed_refreshes_total{{feed="{feeds[0]}",result="ok"}} 1.0' in page
    assert f'chipbot_feed_refreshes_total{{feed="{feeds[0]}",result="not_modified"}} 1.0' in page
    assert f'chipbot_feed_refreshes_total{{feed="{feeds[2]}",result="failed"}} 2.0' in page
    assert 'chipbot_refreshes_total{result="ok"} 2.0' in page

    reread = {state.feed: state for state in RefreshJournal.open(data_dir).feeds()}  # as after a restart
    assert reread[feeds[0]].result == "not_modified" and reread[feeds[2]].result == "failed"

    assert main(["--data-dir", str(data_dir), "status"]) == 0
    out = capsys.readouterr().out
    assert "index: gen-000001, 2 articles" in out and "newest article: 2025-07-21" in out
    assert f"not modified  {feeds[0]}" in out and "FAILED: HTTP error 404 Not Found" in out
    assert main(["--data-dir", str(data_dir), "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["index"]["articles"] == 2 and status["gateway_connected"] is None and not status["ok"]
    assert {feed["feed"] for feed in status["feeds"]} == set(feeds)


def test_an_unreadable_state_file_is_an_empty_journal(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / STATE_FILE).write_text("{not json")
    assert RefreshJournal.open(data_dir).feeds() == []
    assert "ignoring unreadable" in caplog.text


def test_status_of_an_empty_data_dir_says_what_to_do(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir), "status"]) == 0
    out = capsys.readouterr().out
    assert "index: none yet" in out and "feeds: not refreshed yet" in out
