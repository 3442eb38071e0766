"""The must-show: a refresh from a local RSS feed mixing chip-trade and off-topic items stores only
the chip-trade ones as articles; the others become rejected records, listed by `chipbot articles
--rejected` and counted per feed. The real trained gate and model decide (items written for this test)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.cli import main
from bot.service.refresh import IndexUpdater, Refresher
from corpus.gate.ledger import FeedCounts
from corpus.gate.model import GateModel, TopicGate
from corpus.sources import Fetcher
from index.embed import make_embedder
from index.search import Index

pytestmark = pytest.mark.slow

ON_TOPIC = {
    "bis-rule": (
        "US adds chipmaking equipment to export licence requirements for China",
        "The Commerce Department said exporters will need a licence to ship certain etching and deposition "
        "tools to Chinese fabs, and it added eleven Chinese chip companies to the Entity List.",
    ),
    "dutch-asml": (
        "Dutch government widens licence rules for ASML lithography exports",
        "The Netherlands will require export licences for more of ASML's immersion lithography machines, "
        "a step officials coordinated with Washington to limit China's access to advanced chipmaking.",
    ),
    "gallium": (
        "China tightens export controls on gallium and germanium for chipmakers",
        "Beijing said shipments of gallium and germanium, metals used in compound semiconductors, will need "
        "licences from the commerce ministry, in a move seen as retaliation for US chip curbs.",
    ),
}
OFF_TOPIC = {
    "gpu-review": (
        "Graphics card review: a quiet midrange GPU for 1440p gaming",
        "We ran twenty games at 1440p. The card averaged 90 frames per second, stayed under 70 degrees and "
        "was barely audible, though its price is higher than last year's model.",
    ),
    "phone-launch": (
        "New smartphone launches with a bigger battery and brighter screen",
        "The phone has a 6.7-inch display, a 5,000 mAh battery and three rear cameras. Pre-orders open this "
        "week and the base model costs the same as its predecessor.",
    ),
    "dc-cooling": (
        "Data centre operator opens liquid-cooled hall for AI servers",
        "The new hall supports racks drawing up to 120 kW, cooled by water loops from a nearby plant. The "
        "operator said the site runs on renewable power contracts.",
    ),
}


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    pages: dict[str, tuple[bytes, str]]
    requests: list[tuple[str, int]]


class Handler(BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self) -> None:
        body, kind = self.server.pages.get(self.path, (b"not here", "text/plain"))
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        status = 304 if self.headers.get("If-None-Match") == etag else 200 if self.path in self.server.pages else 404
        self.server.requests.append((self.path, status))
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        if status != 304:
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def page(title: str, text: str) -> bytes:
    filler = " ".join([text] * 2)  # enough body for the extractor to take it as the article
    return (
        f"<html><head><title>{escape(title)}</title></head><body><nav>Home | News</nav><article>"
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p><p>{escape(filler)}</p></article></body></html>"
    ).encode()


@pytest.fixture
def feed() -> Iterator[tuple[str, FeedServer]]:
    server = FeedServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    items = {**ON_TOPIC, **OFF_TOPIC}
    server.pages = {f"/{slug}": (page(title, text), "text/html") for slug, (title, text) in items.items()}
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{base}/{slug}</link><guid>{base}/{slug}</guid>"
        f"<pubDate>Mon, 03 Mar 2025 09:00:00 GMT</pubDate><description>{escape(text[:90])}</description></item>"
        for slug, (title, text) in items.items()
    )
    rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Tech news</title>{entries}</channel></rss>'
    server.pages["/feed.xml"] = (rss.encode(), "application/rss+xml")
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{base}/feed.xml", server
    server.shutdown()


@pytest.fixture(scope="module")
def real_gate(tmp_path_factory: pytest.TempPathFactory) -> TopicGate:
    model = GateModel.load()
    return TopicGate(model, make_embedder(model.embedder, "onnx", cache_dir=tmp_path_factory.mktemp("models")))


class Reloads:
    def reload_if_changed(self) -> bool:
        return True


async def test_a_refresh_stores_only_chip_trade_items_and_keeps_the_rest_as_rejected_records(
    feed: tuple[str, FeedServer], real_gate: TopicGate, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, server = feed
    index_embedder = make_embedder("hash-test", "hash")
    loopback = Fetcher(allow_private=True, min_interval_s=0, retries=0)  # the feed server is on 127.0.0.1
    updater = IndexUpdater(data_dir, index_embedder, loopback, gate=real_gate)
    refresher = Refresher(updater, Reloads(), feeds=[url], counts=updater.feed_counts)

    result = await refresher.refresh_now()
    assert result.error is None and result.outcome.added == 3 and result.outcome.rejected == 3

    assert main(["articles", "--json"]) == 0
    stored = {a["title"] for a in json.loads(capsys.readouterr().out)}
    assert stored == {title for title, _ in ON_TOPIC.values()}
    assert main(["articles", "--rejected"]) == 0
    listing = capsys.readouterr().out
    for title, _ in OFF_TOPIC.values():
        assert title in listing
    assert main(["articles", "--rejected", "--json"]) == 0
    rejected = json.loads(capsys.readouterr().out)
    assert {r["feed"] for r in rejected} == {url}
    assert all(r["score"] < real_gate.threshold <= 1 for r in rejected)
    assert refresher.feed_counts() == [FeedCounts(url, 3, 3)]

    index = Index.open(data_dir, index_embedder)  # only the admitted items were indexed
    indexed = {hit.article.title for hit in index.search("graphics card smartphone data centre", k=10).hits}
    assert indexed <= {title for title, _ in ON_TOPIC.values()}

    before = len(server.requests)
    again = await refresher.refresh_now()  # the feed answers 304: nothing is fetched or scored again
    assert again.outcome.added == again.outcome.rejected == 0 and server.requests[before:] == [("/feed.xml", 304)]
