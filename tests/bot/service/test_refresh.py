from __future__ import annotations

import asyncio
from pathlib import Path

from bot.service.refresh import Refresher, UpdateOutcome, load_feeds


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

    refresher = Refresher(
        update, index, feeds=["https://a.example/rss"], interval_s=0.01, on_swap=[lambda: swaps.append(True)]
    )
    refresher.start()
    for _ in range(200):
        await asyncio.sleep(0.01)
        if refresher.last is not None and refresher.last.swapped:
            break
    await refresher.stop()
    assert polls[:2] == [["https://a.example/rss"]] * 2
    assert refresher.last.outcome.added == 2 and refresher.last.outcome.failed and swaps
    assert not refresher.status().running
