"""Precision and recall of follow matching on the labelled topics (eval/topics/topics.jsonl).

    .venv/bin/python bench/topic_relevance.py [--data-dir DIR] [--fit] [--per-topic]

Every shared-corpus article is treated as newly arriving: would a follow of each topic alert on
it (``TopicRelevance`` probability >= the floor)? A syndicated copy folded into another article
gets its article's decision (one post lists both). Borderline articles are not counted.

``--fit`` refits the logistic model and the floor on the tune topics only and prints them as
Python to paste into ``bot/answering/topic_model.py``; without it the shipped model is measured.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from common import OUT, REPO, SHARED, build_shared_index, fresh_data_dir, table

from bot.answering.answerer import Answerer
from bot.answering.relevance import TopicRelevance
from bot.answering.topic_eval import choose_floor, load_topics, match_figures
from bot.answering.topic_model import DEFAULT_FLOOR, TOPIC_MODEL, LogisticModel, fit_logistic
from bot.answering.topic_signals import FEATURE_NAMES
from bot.service.topic_vectors import IndexVectors

TOPICS = REPO / "eval" / "topics" / "topics.jsonl"


def open_shared_index(data_dir: Path | None):
    from common import MODEL

    from index.embed import make_embedder
    from index.search import Index

    if data_dir is None or not (data_dir / "index" / "CURRENT").is_file():
        data_dir = fresh_data_dir(data_dir or OUT / "topic-relevance")
        embedder = build_shared_index(data_dir)
    else:
        embedder = make_embedder(MODEL, "auto", cache_dir=data_dir / "models")
    return data_dir, Index.open(data_dir, embedder)


def corpus_ids() -> list[str]:
    with (SHARED / "chip_trade_news.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line)["id"] for line in handle if line.strip()]


def run(data_dir: Path | None, fit: bool, per_topic: bool) -> str:
    data_dir, index = open_shared_index(data_dir)
    answerer = Answerer(index)
    relevance = TopicRelevance(
        index,
        IndexVectors.for_index(index, index.embedder, data_dir),
        weights=lambda: answerer.weights,
        version=lambda: index.manifest.generation,
    )
    articles = list(index.articles())
    parent = {a.id: a.id for a in articles}
    parent.update({alt.article_id: a.id for a in articles for alt in a.alternates if alt.article_id})
    ids = corpus_ids()
    topics = load_topics(TOPICS)
    started = time.perf_counter()
    features = {t.topic: relevance.features(t.topic, articles) for t in topics}
    seconds = time.perf_counter() - started

    model, floor = TOPIC_MODEL, DEFAULT_FLOOR
    lines: list[str] = []
    if fit:
        x, y = [], []
        for t in topics:
            if t.split != "tune":
                continue
            for article, row in zip(articles, features[t.topic]):
                if article.id not in t.borderline:
                    x.append(row)
                    y.append(article.id in t.articles)
        model = fit_logistic(FEATURE_NAMES, np.array(x), np.array(y, dtype=float))
    position = {a.id: i for i, a in enumerate(articles)}
    probabilities = {
        (t.topic, article_id): model.probability(features[t.topic][position[parent[article_id]]])
        for t in topics
        for article_id in ids
        if article_id in parent
    }
    tune = [t for t in topics if t.split == "tune"]
    test = [t for t in topics if t.split == "test"]
    if fit:
        floor = choose_floor(tune, ids, {k: v for k, v in probabilities.items() if k[0] in {t.topic for t in tune}})
        lines += ["Fitted on the tune topics; paste into bot/answering/topic_model.py:", "", _literal(model, floor), ""]

    def alerts(group):
        found: dict[str, set[str]] = {}
        for (topic, article_id), p in probabilities.items():
            if p >= floor and topic in {t.topic for t in group}:
                found.setdefault(topic, set()).add(article_id)
        return found

    rows = []
    figures = {}
    for name, group in (("tune", tune), ("test", test)):
        f = figures[name] = match_figures(group, ids, alerts(group))
        rows.append(
            [name, f.topics, f.true_positives, f.false_positives, f.false_negatives, f.precision, f.recall, f.f1]
        )
    gap = ["gap (test - tune)", "", "", "", "", figures["test"].precision - figures["tune"].precision]
    rows.append([*gap, figures["test"].recall - figures["tune"].recall, figures["test"].f1 - figures["tune"].f1])
    lines.append(
        f"floor {floor:.4f}; {len(ids)} articles as new arrivals x {len(topics)} topics; "
        f"scoring took {seconds:.1f} s ({1000 * seconds / len(topics) / len(articles):.2f} ms per pair)"
    )
    lines.append("")
    lines.append(table(["split", "topics", "TP", "FP", "FN", "precision", "recall", "F1"], rows))
    if per_topic:
        lines.append("")
        per = []
        for t in topics:
            f = match_figures([t], ids, alerts([t]))
            per.append([t.split, t.topic[:50], len(t.articles), f.true_positives, f.false_positives, f.false_negatives])
        lines.append(table(["split", "topic", "articles", "TP", "FP", "FN"], per))
    return "\n".join(lines)


def _literal(model: LogisticModel, floor: float) -> str:
    def numbers(values) -> str:
        return "(" + ", ".join(f"{v:.6g}" for v in values) + ",)"

    return "\n".join(
        [
            "TOPIC_MODEL = LogisticModel(",
            "    names=FEATURE_NAMES,",
            f"    mean={numbers(model.mean)},",
            f"    scale={numbers(model.scale)},",
            f"    weights={numbers(model.weights)},",
            f"    intercept={model.intercept:.6g},",
            ")",
            f"DEFAULT_FLOOR = {floor:.4f}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="an index of the shared corpus to reuse (built if absent)")
    parser.add_argument("--fit", action="store_true", help="refit the model and floor on the tune topics")
    parser.add_argument("--per-topic", action="store_true", help="also a row per topic")
    args = parser.parse_args()
    print(run(args.data_dir, args.fit, args.per_topic))


if __name__ == "__main__":
    main()
