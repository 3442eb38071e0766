from __future__ import annotations

import asyncio
from pathlib import Path

from bot.service.follow import GenerationFollower
from tests.bot.discord_world import ARTICLES, NEW_ARTICLE, build_index


async def test_a_generation_built_by_another_process_is_picked_up(data_dir: Path) -> None:
    index = build_index(data_dir)
    swaps: list[str] = []
    follower = GenerationFollower(index, interval_s=0.01, on_swap=lambda: swaps.append(index.manifest.generation))
    assert not await follower.check()  # nothing new yet

    build_index(data_dir, [*ARTICLES, NEW_ARTICLE])  # as `chipbot ingest` beside the bot would
    follower.start()
    for _ in range(300):
        await asyncio.sleep(0.01)
        if swaps:
            break
    await follower.stop()
    assert swaps == ["gen-000002"]
    assert index.manifest.articles == len(ARTICLES) + 1 and index.article("t-tsmc") is not None


async def test_a_generation_that_cannot_be_loaded_keeps_the_old_one(data_dir: Path, caplog) -> None:
    index = build_index(data_dir)
    (data_dir / "index" / "CURRENT").write_text("gen-000009")  # points at nothing
    (data_dir / "index" / "gen-000009").mkdir()
    (data_dir / "index" / "gen-000009" / "manifest.json").write_text("{broken")
    assert not await GenerationFollower(index, interval_s=0).check()
    assert "still answering from the loaded one" in caplog.text
    assert index.manifest.generation == "gen-000001" and index.search("DUV licences").hits
