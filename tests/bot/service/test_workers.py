"""The worker pool keeps answering off the event loop, bounds its concurrency and refuses politely."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest

from bot.service.asking import Asker, Question
from bot.service.workers import Busy, WorkerPool
from tests.bot.discord_world import build_index, make_services


async def test_runs_at_most_max_workers_at_once_and_refuses_past_the_queue() -> None:
    pool = WorkerPool(max_workers=2, max_queue=1)
    release = threading.Event()
    running, peak, lock = 0, 0, threading.Lock()

    def job(n: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        release.wait(5)
        with lock:
            running -= 1
        return n * 2

    jobs = [asyncio.create_task(pool.run(job, n)) for n in range(3)]
    await asyncio.sleep(0.05)
    assert pool.pending == 3
    with pytest.raises(Busy, match="try again"):
        await pool.run(job, 99)
    release.set()
    assert await asyncio.gather(*jobs) == [0, 2, 4]
    assert peak == 2 and pool.pending == 0
    pool.shutdown()


async def test_errors_in_jobs_reach_the_caller_and_free_the_slot() -> None:
    pool = WorkerPool(max_workers=1, max_queue=0)

    def boom() -> None:
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        await pool.run(boom)
    assert await pool.run(lambda: 7) == 7
    pool.shutdown()


SMALL_QUESTIONS = [
    "Which DUV tools need Dutch export licences?",
    "What did the SMIC teardown show?",
    "Which Nvidia accelerator is being prepared for customers in China?",  # the article never says "selling"
    "What did China restrict about gallium?",
    "Who makes 7nm chips for Huawei?",
]


async def test_event_loop_never_stalls_while_50_questions_are_answered(data_dir: Path) -> None:
    await assert_no_stall(data_dir, build_index(data_dir), SMALL_QUESTIONS, need_citations=True)


async def test_event_loop_never_stalls_on_the_shared_corpus(data_dir: Path, shared_corpus: Path) -> None:
    def load(name: str) -> list[dict]:
        return [json.loads(line) for line in (shared_corpus / name).read_text(encoding="utf-8").splitlines() if line]

    index = build_index(data_dir, load("chip_trade_news.jsonl"))
    questions = [q["question"] for q in load("dev_questions.jsonl")]
    await assert_no_stall(data_dir, index, questions, need_citations=False)


async def assert_no_stall(data_dir: Path, index: object, questions: list[str], *, need_citations: bool) -> None:
    services = make_services(data_dir, index, workers=WorkerPool(max_workers=2, max_queue=64))
    asker = Asker(services)
    gaps: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    started = time.perf_counter()
    asked = await asyncio.gather(
        *(asker.ask(Question(questions[i % len(questions)], user_id=i, channel_id=1)) for i in range(50))
    )
    elapsed = time.perf_counter() - started
    done.set()
    await tick
    recorded = services.feedback.summary().answers
    services.workers.shutdown()
    services.feedback.close()

    assert len(asked) == 50
    assert all(a.answer.citations for a in asked) or not need_citations
    assert recorded == 50 and len({a.answer_id for a in asked}) == 50
    worst = max(gaps) * 1000
    print(f"50 questions in {elapsed:.2f} s; worst event-loop gap {worst:.1f} ms over {len(gaps)} ticks")
    assert worst < 100, f"the event loop stalled for {worst:.0f} ms"
