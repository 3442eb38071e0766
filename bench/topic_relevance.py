"""Precision and recall of follow matching on the labelled topics (eval/topics/topics.jsonl).

    .venv/bin/python bench/topic_relevance.py [--data-dir DIR] [--fit] [--per-topic] [--tune-only]

Every shared-corpus article is treated as newly arriving: would a follow of each topic alert on
it (``TopicRelevance`` probability >= the floor)? A syndicated copy folded into another article
gets its article's decision (one post lists both). Borderline articles are not counted.

Rows: tune (cross-validated: each topic scored by models fitted without its fold, at the shipped
floor), tune (the shipped models, which saw every tune topic), test (the shipped models; never
used to choose anything), and the gap test - tune (CV). ``--tune-only`` leaves the test topics
unscored, for runs that try something out: the test row is for a change that is final.

``--fit`` refits the seed and topic models and the floor on the tune topics only and writes them
to ``bot/answering/models/topic_seed.json`` and ``topic.json`` (deterministic); without it the
shipped models are measured.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from common import OUT, REPO, SHARED, open_shared_index, table

from bot.answering.answerer import Answerer
from bot.answering.model import MODELS
from bot.answering.relevance import TopicModels, TopicRelevance
from bot.answering.topic_eval import MatchFigures, load_topics
from bot.service.topic_training import figures_at, fit_topic_models, probabilities, read_topics

TOPICS = REPO / "eval" / "topics" / "topics.jsonl"


def corpus_ids() -> list[str]:
    with (SHARED / "chip_trade_news.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line)["id"] for line in handle if line.strip()]


def _row(name: str, f: MatchFigures) -> list[object]:
    return [name, f.topics, f.true_positives, f.false_positives, f.false_negatives, f.precision, f.recall, f.f1]


def run(data_dir: Path | None, fit: bool, per_topic: bool, tune_only: bool = False) -> str:
    data_dir, index = open_shared_index(data_dir, OUT / "topic-relevance")
    answerer = Answerer(index)
    shipped = None if fit else TopicModels.load()
    # Reading needs no model: the features do not depend on one (the seeds are applied later).
    relevance = TopicRelevance(
        index,
        weights=lambda: answerer.weights,
        version=lambda: index.manifest.generation,
        models=shipped or _placeholder(),
    )
    articles = list(index.articles())
    ids = corpus_ids()
    topics = load_topics(TOPICS)
    started = time.perf_counter()
    reads = read_topics(relevance, articles, ids, topics)
    seconds = time.perf_counter() - started
    tune = [r for r in reads if r.topic.split == "tune"]
    test = [] if tune_only else [r for r in reads if r.topic.split == "test"]

    fitted = fit_topic_models(tune, ids, embedder=index.embedder.name)
    lines: list[str] = []
    if fit:
        models = fitted.models
        for name, model in (("topic_seed", models.seed), ("topic", models.topic)):
            (MODELS / f"{name}.json").write_text(model.to_json(), encoding="utf-8")
        lines += [f"Fitted on the {len(tune)} tune topics; wrote {MODELS}/topic_seed.json and topic.json", ""]
    else:
        assert shipped is not None
        models = shipped
    floor = models.topic.threshold
    figures = {
        "tune (CV)": figures_at(tune, ids, fitted.held_out, floor),
        "tune (fitted on it)": figures_at(tune, ids, probabilities(models, tune, ids), floor),
    }
    if test:
        figures["test"] = figures_at(test, ids, probabilities(models, test, ids), floor)
    rows = [_row(name, f) for name, f in figures.items()]
    if test:
        cv, tested = figures["tune (CV)"], figures["test"]
        gaps = (tested.precision - cv.precision, tested.recall - cv.recall, tested.f1 - cv.f1)
        rows.append(["gap test - tune (CV)", "", "", "", "", *gaps])
    lines.append(
        f"floor {floor:.4f}; {len(ids)} articles as new arrivals x {len(topics)} topics; "
        f"reading took {seconds:.1f} s ({1000 * seconds / len(topics) / len(articles):.2f} ms per pair)"
    )
    lines.append("")
    lines.append(table(["split", "topics", "TP", "FP", "FN", "precision", "recall", "F1"], rows))
    if per_topic:
        lines.append("")
        per = []
        for group in (tune, test):
            scored = probabilities(models, group, ids)
            for r in group:
                f = figures_at([r], ids, {k: v for k, v in scored.items() if k[0] == r.topic.topic}, floor)
                per.append([r.topic.split, r.topic.topic[:50], len(r.topic.articles), *_row("", f)[2:5]])
        lines.append(table(["split", "topic", "articles", "TP", "FP", "FN"], per))
    return "\n".join(lines)


def _placeholder() -> TopicModels:
    """Models of the right shape for reading before any are fitted (never used to score)."""
    from bot.answering.model import LinearModel
    from bot.answering.topic_features import SEED, TOPIC

    def zero(names: tuple[str, ...]) -> LinearModel:
        return LinearModel(names, (0.0,) * len(names), (1.0,) * len(names), (0.0,) * len(names), 0.0)

    return TopicModels(zero(SEED), zero(TOPIC))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="an index of the shared corpus to reuse (built if absent)")
    parser.add_argument("--fit", action="store_true", help="refit the models and the floor on the tune topics")
    parser.add_argument("--per-topic", action="store_true", help="also a row per topic")
    parser.add_argument("--tune-only", action="store_true", help="leave the test topics unscored (trying things out)")
    args = parser.parse_args()
    print(run(args.data_dir, args.fit, args.per_topic, args.tune_only))


if __name__ == "__main__":
    main()
