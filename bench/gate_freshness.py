"""Freshness: how long after a feed publishes a chip-trade item can chipbot answer from it?

    .venv/bin/python bench/gate_freshness.py [--interval 10] [--repeats 5]

A data directory holds the shared corpus, indexed with the real model (ONNX); a local feed server
(bench/localfeed.py) serves an RSS feed of 20 written items (chip-trade and off-topic, already
ingested once). The bot's own Refresher polls it every ``--interval`` seconds through the real
IndexUpdater (conditional GET, the trained topic gate, ingest, incremental index update, swap) and
the bot's own fetcher, loopback allowed (robots.txt, at most one request a second to a host).
At a random moment a new chip-trade item is published; the Answerer (what /ask calls, without the
Discord rendering) is asked every 0.2 s a question only that item answers, until its citation [1]
is the new article. Measured for real at the short interval. For the default interval (30 min) the
same sum is computed: the wait for the next poll (an item published at a random moment waits
U(0, 30 min): 15 min on average, 30 at worst) plus the refresh time measured here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import MODEL, OUT, REPO, SHARED, build_shared_index, fresh_data_dir, table
from localfeed import Item, LocalFeed

from bot.answering.answerer import Answerer
from bot.service.refresh import IndexUpdater, Refresher
from corpus.gate.model import GateDecision, GateItem, GateModel, TopicGate
from corpus.sources import Fetcher
from index.search import Index

NEW_ITEMS = [  # written for this benchmark; each question is answered by its item alone
    (
        Item(
            "vn-hbm-licence",
            "Vietnam to require licences for re-exports of HBM memory modules",
            "The trade ministry says the rule targets transshipment of high-bandwidth memory to barred buyers.",
            "Vietnam's trade ministry said exporters will need a licence from 1 May to re-export high-bandwidth "
            "memory modules, after foreign partners raised concerns about transshipment to buyers on export "
            "blacklists.\n\nThe ministry said each licence will name the end user and be valid for 90 days.",
        ),
        "How long will Vietnam's licences for re-exporting HBM modules be valid?",
    ),
    (
        Item(
            "cl-wafer-tariff",
            "Chile sets 12% tariff on imported silicon wafers to back a local fab",
            "The duty protects a planned wafer plant that received state subsidies.",
            "Chile will charge a 12% tariff on imported silicon wafers from next year to protect a planned "
            "domestic wafer plant that received state subsidies, the finance ministry said.\n\nChipmakers "
            "that buy locally will get the duty refunded for the first three years.",
        ),
        "What tariff will Chile charge on imported silicon wafers?",
    ),
    (
        Item(
            "pl-probe-controls",
            "Poland adds wafer probe stations to its dual-use export control list",
            "Exporters of the chip-testing tools will need permits for shipments outside the EU.",
            "Poland added wafer probe stations, used to test chips before packaging, to its national dual-use "
            "export control list, requiring permits for shipments outside the European Union.\n\nThe "
            "economy ministry said the measure answers a request from allies concerned about diversion.",
        ),
        "Which chip-testing tools did Poland add to its dual-use export control list?",
    ),
    (
        Item(
            "eg-fab-subsidy",
            "Egypt offers land and a 40% grant for its first chip packaging plant",
            "The incentive is part of a plan to attract semiconductor supply-chain investment.",
            "Egypt's investment authority offered free land and a grant covering 40% of equipment costs to the "
            "first company that builds a chip packaging and test plant in the Suez Canal economic zone.\n\n"
            "Officials said the grant is capped at 300 million dollars.",
        ),
        "What grant did Egypt offer for its first chip packaging plant?",
    ),
    (
        Item(
            "ke-gpu-smuggling",
            "Kenya seizes servers with restricted AI chips bound for a sanctioned buyer",
            "Customs officers acted on a foreign tip about diverted graphics processors.",
            "Kenyan customs officers seized two shipments of servers holding restricted AI graphics processors "
            "that were declared as office computers and bound for a buyer under sanctions, officials said.\n\n"
            "The servers had been routed through Dubai, according to the customs authority.",
        ),
        "Where had the servers with restricted AI chips seized in Kenya been routed through?",
    ),
]


def backlog() -> list[Item]:
    """20 written items (on- and off-topic) already in the feed before the measurement."""
    rows = [json.loads(line) for line in (REPO / "eval" / "gate" / "items.jsonl").open(encoding="utf-8")]
    picked = rows[:: max(1, len(rows) // 20)][:20]
    return [Item(r["id"], r["title"], r["summary"], f"{r['summary']}\n\n{r['text']}") for r in picked]


class TimedGate:
    """The real gate, timed."""

    admits_all = False

    def __init__(self, gate: TopicGate) -> None:
        self.gate = gate
        self.seconds: list[float] = []

    def decide(self, item: GateItem) -> GateDecision:
        started = time.perf_counter()
        decision = self.gate.decide(item)
        self.seconds.append(time.perf_counter() - started)
        return decision


async def measure(interval_s: float, repeats: int) -> tuple[list[float], list[float], list[float]]:
    """Seconds from publication to answerable, of each refresh that found the item, of each gate decision."""
    data_dir = fresh_data_dir(OUT / "gate-freshness")
    embedder = build_shared_index(data_dir)
    index = Index.open(data_dir, embedder)
    answerer = Answerer(index)
    gate = TimedGate(TopicGate(GateModel.load(), embedder))
    latencies, refresh_s = [], []
    rng = random.Random(7)
    with LocalFeed(backlog()) as feed:
        updater = IndexUpdater(data_dir, embedder, Fetcher(allow_private=True), gate=gate)  # the feed is local
        refresher = Refresher(updater, index, feeds=[feed.url], interval_s=interval_s, on_swap=[answerer.refresh])
        await refresher.refresh_now()  # the backlog, as an earlier poll would have read it
        refresher.start()
        for item, question in NEW_ITEMS[:repeats]:
            await asyncio.sleep(rng.uniform(0, interval_s))  # publish at a random point of the poll cycle
            feed.publish(item)
            published = time.perf_counter()
            while True:
                answer = answerer.answer(question)
                if answer.citations and answer.citations[0].article.url.endswith(f"/{item.slug}"):
                    break
                await asyncio.sleep(0.2)
            latencies.append(time.perf_counter() - published)
            while refresher.status().running:  # the answer shows once swapped; the result is recorded just after
                await asyncio.sleep(0.01)
            last = refresher.last
            assert last is not None and last.outcome.added == 1, last
            refresh_s.append(last.seconds)
        await refresher.stop()
    return latencies, refresh_s, gate.seconds


def run(interval_s: float, repeats: int) -> str:
    if not (SHARED / "chip_trade_news.jsonl").is_file():
        raise SystemExit(f"the shared corpus is not at {SHARED}: set CHIPBOT_SHARED_CORPUS")
    latencies, refresh_s, gate_s = asyncio.run(measure(interval_s, repeats))
    mean_refresh, worst_refresh = statistics.mean(refresh_s), max(refresh_s)
    rows = [
        (
            f"every {interval_s:g} s (measured, {len(latencies)} items)",
            statistics.mean(latencies),
            max(latencies),
            f"{mean_refresh:.2f} s per refresh that found the item",
        ),
        (
            "every 30 min (default; computed)",
            f"{15 * 60 + mean_refresh:.0f} (15 min + refresh)",
            f"{30 * 60 + worst_refresh:.0f} (30 min + refresh)",
            "wait for the next poll, U(0, 30 min), plus the refresh measured above",
        ),
    ]
    head = ["feed polled", "publish -> answerable, mean s", "worst s", "what it is made of"]
    gate_ms = 1000 * statistics.median(gate_s)
    return (
        f"model {MODEL}; index: the shared corpus + 20 feed items; the gate took {gate_ms:.0f} ms per item "
        f"(median of {len(gate_s)})\n\n" + table(head, rows)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between polls for the real measurement")
    parser.add_argument("--repeats", type=int, default=5, choices=range(1, len(NEW_ITEMS) + 1))
    args = parser.parse_args()
    print(run(args.interval, args.repeats))


if __name__ == "__main__":
    main()
