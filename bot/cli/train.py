"""`chipbot train` and `chipbot eval`: the answer engine's learned models and their figures.

Both work on the labelled questions in ``eval/questions`` (or a question file) over an index of the
shared corpus, which they build once in a workspace (``<data dir>/workspace`` unless ``--workspace``
names another) and then reuse: the labelled questions refer to the shared corpus's articles.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.service.phrasing import STYLES, as_asked

if TYPE_CHECKING:
    from bot.answering.answerer import Answerer
    from bot.service.evaluation import Outcome
    from bot.service.labelled import LabelledQuestion
    from bot.service.settings import Settings
    from index.evaluate import Report
    from index.search import Index


# What `chipbot train` writes: every field of ``Models``.
MODEL_FILES = ("ranker", "quoter", "abstainer", "lexical_abstainer", "passage", "confidence", "lexical_confidence")


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommands to the parser."""
    train = sub.add_parser(
        "train", help="fit the ranker, passage model, quoter, abstainer and stated confidence on the tune questions"
    )
    train.add_argument(
        "--workspace", type=Path, help="where the shared-corpus index is built (default: DATA_DIR/workspace)"
    )
    train.add_argument("--out", type=Path, help="write the models here instead of into the package")
    train.set_defaults(func=cmd_train)

    evaluate = sub.add_parser(
        "eval", help="answer figures by question kind: cross-validated on tune, and on test (or on a question file)"
    )
    evaluate.add_argument(
        "questions", nargs="?", type=Path, metavar="QUESTIONS.jsonl",
        help="a question file (the labelled format or the shared dev_questions format); default: eval/questions",
    )  # fmt: skip
    evaluate.add_argument("--split", choices=["tune", "test", "both"], default="both", help="labelled set: which split")
    evaluate.add_argument("--workspace", type=Path, help="where the shared-corpus index is built")
    evaluate.add_argument("--json", action="store_true", help="JSON instead of tables")
    evaluate.add_argument(
        "--asked", choices=STYLES, default="as-written",
        help="how every question is typed: as written, lower case, a name misspelt, or framed like chat",
    )  # fmt: skip
    evaluate.add_argument(
        "--outcomes", type=Path, metavar="FILE.jsonl", help="also write each question's outcome here (JSON lines)"
    )
    evaluate.add_argument(
        "--against", type=Path, metavar="FILE.jsonl",
        help="compare with the outcomes an earlier run wrote: questions better and worse, and a sign test",
    )  # fmt: skip
    evaluate.set_defaults(func=cmd_eval)


def workspace_index(settings: Settings, workspace: Path | None) -> Index:
    """The shared corpus, ingested and indexed in the workspace (only what changed is redone)."""
    from bot.service.labelled import shared_corpus
    from bot.service.wiring import make_settings_embedder, open_index
    from corpus.pipeline import ingest
    from corpus.store import open_store
    from index.builder import update_index

    folder = workspace or settings.data_dir / "workspace"
    articles = shared_corpus() / "chip_trade_news.jsonl"
    if not articles.is_file():
        raise FileNotFoundError(f"the shared corpus is not at {articles}; set CHIPBOT_SHARED_CORPUS")
    local = replace(settings, data_dir=folder)
    embedder = make_settings_embedder(local)
    with open_store(folder) as store:
        ingest([str(articles)], store)
        update_index(folder, store, embedder, progress=sys.stderr.isatty())
    print(f"workspace index: {folder}", file=sys.stderr)
    return open_index(local, embedder)


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answering.answerer import Answerer
    from bot.answering.model import MODELS
    from bot.service import evaluation, labelled, training
    from bot.service.wiring import make_lexicon

    questions = labelled.load()
    tune = [q for q in questions if q.split == "tune"]
    index = workspace_index(settings, args.workspace)
    answerer = Answerer(index, lexicon=make_lexicon(settings))
    reads = training.read_all(answerer, tune)
    models, per_fold = training.train(reads, index.embedder.name)
    out = args.out or MODELS
    out.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        (out / f"{name}.json").write_text(getattr(models, name).to_json(), encoding="utf-8")
    print(
        f"wrote {out}/ranker.json, quoter.json, abstainer.json (threshold {models.abstainer.threshold:.3f}), "
        "lexical_abstainer.json, passage.json, confidence.json, lexical_confidence.json"
    )
    outcomes = cross_validated(answerer, tune, per_fold, {q.id: q for q in questions})
    title = f"tune ({len(tune)} questions), {training.FOLDS}-fold CV by story"
    print(evaluation.format_table(title, evaluation.by_kind(outcomes)))
    return 0


def cross_validated(answerer: Answerer, tune: list[LabelledQuestion], per_fold: list, by_id: dict) -> list[Outcome]:
    """Outcomes on tune, each question answered (as ``answerer`` would) by models fitted without its story."""
    from bot.service import evaluation, training

    fold = training.assign_folds(tune)
    outcomes = []
    for k, models in enumerate(per_fold):
        held = [q for q in tune if fold[q.id] == k]
        outcomes += evaluation.run(answerer.with_models(models), held, by_id)
    return outcomes


def _retrieval(index: Index, path: Path) -> Report | None:
    """Search recall on a file in the shared dev format (one answering article per question)."""
    from index.evaluate import evaluate_search, load_questions

    try:
        questions = load_questions(path)
    except (KeyError, ValueError):
        return None
    if not any(q.article_id for q in questions):
        return None
    return evaluate_search(lambda question: index.search(question, k=5).hits, questions)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answering.answerer import Answerer
    from bot.service import comparison, evaluation, labelled, training
    from bot.service.wiring import make_lexicon, open_index
    from index.errors import IndexStageError

    try:
        earlier = comparison.read(args.against) if args.against is not None else None
        if args.questions is not None:  # a question file over the data dir's own index
            questions = labelled.load_file(args.questions)
            index = open_index(settings)
        else:
            questions = labelled.load()
            index = workspace_index(settings, args.workspace)
    except (IndexStageError, OSError, ValueError) as exc:
        print(f"chipbot eval: {exc}", file=sys.stderr)
        return 1
    asked = [replace(q, question=as_asked(q.question, args.asked)) for q in questions]
    how = "" if args.asked == "as-written" else f", asked {args.asked}"
    by_id = {q.id: q for q in asked}
    answerer: Answerer = Answerer(index, lexicon=make_lexicon(settings))
    answerer.warm()  # load the models before timing
    runs: dict[str, list[Outcome]] = {}
    retrieval = _retrieval(index, args.questions) if args.questions is not None and args.asked == "as-written" else None
    if args.questions is None and args.split in ("tune", "both"):
        tune = [q for q in questions if q.split == "tune"]
        _, per_fold = training.train(training.read_all(answerer, tune))
        tune_asked = [q for q in asked if q.split == "tune"]
        runs[f"tune (5-fold CV by story){how}"] = cross_validated(answerer, tune_asked, per_fold, by_id)
    if args.questions is not None or args.split in ("test", "both"):
        chosen = asked if args.questions is not None else [q for q in asked if q.split == "test"]
        title = str(args.questions) if args.questions is not None else "test (the shipped models)"
        runs[title + how] = evaluation.run(answerer, chosen, by_id)
    kept = [r for name, outcomes in runs.items() for r in comparison.records(name, outcomes)]
    if args.outcomes is not None:
        comparison.write(args.outcomes, kept)
    report = {name: evaluation.by_kind(outcomes) for name, outcomes in runs.items()}
    compared = comparison.compare(earlier, kept) if earlier is not None else {}
    if args.json:
        answers = {name: {k: asdict(f) for k, f in table.items()} for name, table in report.items()}
        against = {name: [asdict(row) for row in rows] for name, rows in compared.items()}
        found = {"retrieval": retrieval.to_dict() if retrieval else None, "answers": answers}
        print(json.dumps({**found, "against": against} if earlier is not None else found, indent=2))
        return 0
    if retrieval is not None:
        r, lat = retrieval.recall, retrieval.latency_ms
        print(f"retrieval: {retrieval.questions} questions ({retrieval.answerable} answerable)")
        print("| recall@1 | recall@3 | recall@5 | MRR | p50 ms | p95 ms |\n|---|---|---|---|---|---|")
        print(f"| {r[1]:.3f} | {r[3]:.3f} | {r[5]:.3f} | {retrieval.mrr:.3f} | {lat['p50']:.1f} | {lat['p95']:.1f} |\n")
    for name, table in report.items():
        print(evaluation.format_table(f"{name}, backend {index.embedder.backend}", table))
        print()
    if earlier is not None:
        for name, outcomes in runs.items():
            missing = sum((name, o.question.id) not in earlier for o in outcomes)
            if name in compared:
                print(comparison.format_comparison(name, compared[name], missing))
            else:
                print(f"{name}: none of its questions are in {args.against}")
            print()
    return 0
