"""What a whole cited answer costs next to the search it starts with, on the shared corpus.

    .venv/bin/python bench/answer_latency.py [--repeats 3]

Every labelled question (eval/questions) is answered in-process, after a warm-up, three times;
the table gives p50/p95 of the search alone (``Index.search``) and of the whole answer
(``Answerer.answer``: search, reading the candidates, the three models, composing), and their
ratio. What an article's text is, question aside (``bot.answering.layout``), is kept between
questions; the "no layout kept" row answers each question once with none kept, as for articles no
question has found yet. The last row asks after the latest news on each labelled topic
(eval/topics) in three phrasings, each once: such a question also judges which candidates are about
its subject, and the first time a subject is asked that includes finding its reference articles.
Timings are noisy on a shared 2-core machine: compare the ratios, and rerun when loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from common import OUT, REPO, build_shared_index, fresh_data_dir, table


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(repeats: int = 3) -> str:
    from bot.answering.answerer import Answerer
    from bot.answering.layout import forget_layouts
    from bot.service import labelled
    from index.search import Index

    data_dir = fresh_data_dir(OUT / "answer-latency")
    embedder = build_shared_index(data_dir)
    index = Index.open(data_dir, embedder)
    answerer = Answerer(index)
    questions = [q.question for q in labelled.load()]
    for question in questions[:20]:  # warm-up: the model session, the term weights, the caches
        answerer.answer(question)
    search, answer = [], []
    for _ in range(repeats):
        for question in questions:
            started = time.perf_counter()
            index.search(question, k=15)
            search.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            answerer.answer(question)
            answer.append((time.perf_counter() - started) * 1000)
    fresh = []
    for question in questions:
        forget_layouts()
        started = time.perf_counter()
        answerer.answer(question)
        fresh.append((time.perf_counter() - started) * 1000)
    latest = []
    for question in latest_questions():
        started = time.perf_counter()
        answerer.answer(question)
        latest.append((time.perf_counter() - started) * 1000)
    rows = [
        ("search (k=15)", percentile(search, 0.5), percentile(search, 0.95), 1.0),
        (
            "whole answer",
            percentile(answer, 0.5),
            percentile(answer, 0.95),
            percentile(answer, 0.5) / percentile(search, 0.5),
        ),
        (
            "whole answer, no layout kept",
            percentile(fresh, 0.5),
            percentile(fresh, 0.95),
            percentile(fresh, 0.5) / percentile(search, 0.5),
        ),
        (
            f"the latest on a topic, each asked once ({len(latest)})",
            percentile(latest, 0.5),
            percentile(latest, 0.95),
            percentile(latest, 0.5) / percentile(search, 0.5),
        ),
    ]
    load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return f"{len(questions)} questions x {repeats}; {load}\n\n" + table(
        ["", "p50 ms", "p95 ms", "p50 / search p50"], rows
    )


def latest_questions() -> list[str]:
    """ "The latest on TOPIC" for every labelled topic, in three phrasings (each its own subject)."""
    with (REPO / "eval" / "topics" / "topics.jsonl").open(encoding="utf-8") as handle:
        topics = [json.loads(line)["topic"] for line in handle if line.strip()]
    forms = ("what's the latest on {}", "latest news about {}?", "most recent {} news")
    return [form.format(topic) for form in forms for topic in topics]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    print(run(parser.parse_args().repeats))
