"""`chipbot` subcommands for the topic gate: ``train-gate`` (rebuild its weights from the labelled
set, plus the admins' corrections)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.service.settings import Settings

REPO = Path.cwd()  # `chipbot train-gate` runs from a checkout: the labelled set is under eval/


def _shared_default() -> Path:
    folder = os.environ.get("CHIPBOT_SHARED_CORPUS")
    return (Path(folder) if folder else REPO.parent / "shared" / "corpus") / "chip_trade_news.jsonl"


def register(sub: argparse._SubParsersAction) -> None:
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
