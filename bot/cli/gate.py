"""`chipbot` subcommands for the topic gate: ``admit``, ``reject`` (an admin overrules it) and
``train-gate`` (rebuild its weights from the labelled set, plus the admins' corrections)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.service.settings import Settings

REPO = Path.cwd()  # `chipbot train-gate` runs from a checkout: the labelled set is under eval/


def _shared_default() -> Path:
    folder = os.environ.get("CHIPBOT_SHARED_CORPUS")
    return (Path(folder) if folder else REPO.parent / "shared" / "corpus") / "chip_trade_news.jsonl"


def register(sub: argparse._SubParsersAction) -> None:
    for name, verb in (("admit", "store a rejected item as an article"), ("reject", "move an article out")):
        command = sub.add_parser(name, help=f"{verb}, overruling the topic gate (recorded for train-gate)")
        command.add_argument("id", metavar="ID")
        command.add_argument("--no-index", action="store_true", help="only update the article store, not the index")
        command.set_defaults(func=cmd_overrule, admitted=name == "admit")

    train = sub.add_parser("train-gate", help="rebuild the topic gate's weights from the labelled set")
    train.add_argument("--items", type=Path, default=REPO / "eval" / "gate" / "items.jsonl", help="written items")
    train.add_argument("--stories", type=Path, default=REPO / "eval" / "questions" / "stories.jsonl")
    train.add_argument("--shared", type=Path, default=None, help="the shared corpus's chip_trade_news.jsonl")
    train.add_argument(
        "--corrections",
        action="append",
        type=Path,
        default=[],
        metavar="DATA_DIR",
        help="add the admins' corrections recorded in this data directory's corpus.db (repeatable)",
    )
    train.add_argument("--out", type=Path, default=None, help="where to write the weights (default: the packaged file)")
    train.add_argument("--test", action="store_true", help="then score the test split (do this once, at the end)")
    train.set_defaults(func=cmd_train_gate)


def cmd_overrule(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli.ingest import update_index_now
    from corpus.gate.overrule import NothingToOverrule, admit, reject
    from corpus.store import StoreError, open_store

    command = "admit" if args.admitted else "reject"
    try:
        with open_store(settings.data_dir) as store:
            article = admit(store, args.id) if args.admitted else reject(store, args.id)
            verb = "admitted" if args.admitted else "moved to the rejected items"
            print(f"{verb}: {article.id} {article.title or article.url} (recorded as a correction for train-gate)")
            if not args.no_index and not update_index_now(settings, store, sys.stderr.isatty(), command=command):
                return 1  # the index could not be updated: update_index_now said why
    except (NothingToOverrule, StoreError) as exc:  # a wrong id, or a storage fault naming the data directory
        print(f"chipbot {command}: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_train_gate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service.gate_training import TrainingInputs, run_training

    inputs = TrainingInputs(
        items=args.items,
        stories=args.stories,
        shared=args.shared or _shared_default(),
        corrections=list(args.corrections),
        out=args.out,
    )
    return run_training(inputs, settings, test=args.test)
