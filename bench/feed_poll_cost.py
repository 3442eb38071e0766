"""What one poll of one feed costs: requests, bytes (with conditional GET), seconds, against a local mirror.

    .venv/bin/python bench/feed_poll_cost.py [--entries 30] [--feed-kb 60] [--page-kb 150]

The default feeds cannot be polled from here (no internet), so their real sizes and change rates
are not measured. Instead a local server (bench/localfeed.py) serves one feed with ``--entries``
written items (a fifth of them chip-trade, like a general technology feed), padded to the assumed
sizes: the feed ``--feed-kb`` KB, each article page ``--page-kb`` KB of HTML (markup, scripts and
links around the article). The bot's IndexUpdater polls it (conditional GET, the trained gate, the
real model for the index), through four polls:

1. first poll: the feed and every entry's page;
2. nothing new: the feed answers 304;
3. one new entry: the feed, a conditional GET per known page (304) and the new page;
4. one new entry from a server without ETag / Last-Modified: everything downloaded again.

chipbot asks for uncompressed bodies (Accept-Encoding: identity), so the bytes are as served. The
fetcher is the bot's own (corpus/sources/http.py), loopback allowed: robots.txt is read once a day
(one more request on the first poll) and one host gets at most one request a second, which sets
the seconds of a poll that fetches pages.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import MODEL, OUT, REPO, fresh_data_dir, table
from localfeed import Item, LocalFeed

from bot.service.refresh import IndexUpdater
from corpus.gate.model import GateModel, TopicGate
from corpus.sources import Fetcher
from index.embed import make_embedder


def written(entries: int, page_kb: int) -> list[Item]:
    rows = [json.loads(line) for line in (REPO / "eval" / "gate" / "items.jsonl").open(encoding="utf-8")]
    on = [r for r in rows if r["label"] == 1]
    off = [r for r in rows if r["label"] == 0]
    picked = [(on if n % 5 == 0 else off)[n] for n in range(entries + 2)]
    return [
        Item(r["id"], r["title"], r["summary"], f"{r['summary']}\n\n{r['text']}", page_padding=page_kb * 1024)
        for r in picked
    ]


def poll(updater: IndexUpdater, feed: LocalFeed) -> tuple[int, int, float, int, int]:
    feed.take_hits()
    started = time.perf_counter()
    outcome = updater([], [feed.url])
    seconds = time.perf_counter() - started
    hits = feed.take_hits()
    return len(hits), sum(h.bytes for h in hits), seconds, outcome.added, outcome.rejected


def run(entries: int, feed_kb: int, page_kb: int) -> str:
    data_dir = fresh_data_dir(OUT / "feed-poll-cost")
    embedder = make_embedder(MODEL, "auto", cache_dir=data_dir / "models")
    gate = TopicGate(GateModel.load(), embedder)
    items = written(entries, page_kb)
    backlog, new, newer = items[:entries], items[entries], items[entries + 1]
    per_entry_padding = max(0, (feed_kb * 1024 - 600 * entries) // entries)
    rows = []
    with LocalFeed(backlog, feed_padding=per_entry_padding) as feed:
        updater = IndexUpdater(data_dir, embedder, Fetcher(allow_private=True), gate=gate)  # the feed is local
        rows.append(("1. first poll", *poll(updater, feed)))
        rows.append(("2. nothing new (feed: 304)", *poll(updater, feed)))
        feed.publish(new)
        rows.append(("3. one new entry", *poll(updater, feed)))
        feed.validators = False
        feed.publish(newer)
        rows.append(("4. one new entry, server without validators", *poll(updater, feed)))
    feed_bytes = len(feed.rss())
    head = ["poll", "requests", "bytes", "seconds", "articles added", "kept out by the gate"]
    return (
        f"one feed of {entries} entries ({feed_bytes / 1024:.0f} KB), pages of about {page_kb} KB; model {MODEL}\n\n"
        + table(
            head,
            [(label, n, f"{b / 1024:.0f} KB" if b >= 10240 else f"{b} B", s, a, r) for label, n, b, s, a, r in rows],
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=30)
    parser.add_argument("--feed-kb", type=int, default=60, help="assumed size of the feed document")
    parser.add_argument("--page-kb", type=int, default=150, help="assumed size of an article page's HTML")
    args = parser.parse_args()
    print(run(args.entries, args.feed_kb, args.page_kb))


if __name__ == "__main__":
    main()
