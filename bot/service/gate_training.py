"""``chipbot train-gate``: gather the labelled set (written items, the shared corpus, admins'
corrections), train the gate on its tune split with the packaged embedding model, write the weights,
and print the cross-validated tune figures (and, with ``--test``, the test split's)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.service.settings import DEFAULT_MODEL, Settings
from corpus.gate.labelled import Labelled, LabelledSetError, load_shared, load_written
from corpus.gate.model import WEIGHTS_PATH, GateModel
from corpus.gate.train import Confusion, confusion, evaluate, train

log = logging.getLogger(__name__)


@dataclass
class TrainingInputs:
    items: Path
    stories: Path
    shared: Path
    corrections: list[Path] = field(default_factory=list)  # data directories
    out: Path | None = None


def load_corrections(data_dir: Path) -> list[Labelled]:
    """Admins' corrections in a data directory's corpus.db, as tune items."""
    from corpus.gate.ledger import GateLedger
    from corpus.store import ArticleStore

    path = data_dir / "corpus.db"
    if not path.is_file():
        raise LabelledSetError(f"no corpus.db in {data_dir}: give the data directory of a chipbot that was corrected")
    with ArticleStore(path) as store:
        corrections = GateLedger(store).corrections()
    return [
        Labelled(f"correction:{c.article_id}", c.label, "tune", f"correction:{c.article_id}", "correction", c.item)
        for c in corrections
    ]


def load_all(inputs: TrainingInputs) -> list[Labelled]:
    items = load_written(inputs.items) + load_shared(inputs.shared, inputs.stories)
    seen = {i.id for i in items}
    for data_dir in inputs.corrections:
        for correction in load_corrections(data_dir):
            if correction.id not in seen:
                seen.add(correction.id)
                items.append(correction)
    return items


def describe(confusion: Confusion) -> str:
    return (
        f"chip-trade admitted {confusion.tp}/{confusion.tp + confusion.fn} ({confusion.admit_rate:.1%}), "
        f"off-topic rejected {confusion.tn}/{confusion.tn + confusion.fp} ({confusion.reject_rate:.1%})\n"
        f"  confusion:        admitted  rejected\n"
        f"    chip-trade      {confusion.tp:>8}  {confusion.fn:>8}\n"
        f"    off-topic       {confusion.fp:>8}  {confusion.tn:>8}"
    )


def hard_cases(items: list[Labelled], scores: np.ndarray, threshold: float) -> str:
    """The same figures on the hard cases alone (trade-angle earnings in, China-in-passing launches out)."""
    rows = [n for n, item in enumerate(items) if item.hard]
    hard = confusion(scores[rows], np.array([items[n].label for n in rows]), threshold)
    return (
        f"  hard cases: chip-trade admitted {hard.tp}/{hard.tp + hard.fn}, "
        f"off-topic rejected {hard.tn}/{hard.tn + hard.fp}"
    )


def run_training(inputs: TrainingInputs, settings: Settings, *, test: bool = False) -> int:
    from index.embed import make_embedder

    try:
        items = load_all(inputs)
    except LabelledSetError as exc:
        print(f"chipbot train-gate: {exc}")
        return 2
    embedder = make_embedder(DEFAULT_MODEL, "onnx", cache_dir=settings.data_dir / "models")
    training = train(items, embedder)
    model = training.model
    out = inputs.out or WEIGHTS_PATH
    out.write_text(model.to_json(), encoding="utf-8")
    about = model.about
    print(f"wrote {out}: {model.dim} + {len(model.weights) - model.dim} weights for {model.embedder}")
    print(f"tune items (chip-trade, off-topic) by origin: {about['tune_items']}")
    print(f"chosen on tune: C={about['C']}, lexical weight {about['lexical_weight']}, threshold {model.threshold:.3f}")
    tune_cv = Confusion(**{k: about["tune_cv"][k] for k in ("tp", "fn", "tn", "fp")})
    print("tune, cross-validated (5 folds, story groups whole): " + describe(tune_cv))
    print(hard_cases(training.tune, training.out_of_fold, model.threshold))
    if not test:
        print(f"test split not scored ({sum(1 for i in items if i.split == 'test')} items): --test, once, at the end")
        return 0
    test_items = [i for i in items if i.split == "test"]
    result = evaluate(GateModel.load(out), embedder, test_items)  # the weights as written, rounding included
    print("test: " + describe(result.confusion))
    print(hard_cases(test_items, result.scores, model.threshold))
    print(
        f"gap (tune CV - test): admit {tune_cv.admit_rate - result.confusion.admit_rate:+.1%}, "
        f"reject {tune_cv.reject_rate - result.confusion.reject_rate:+.1%}"
    )
    for item, score in result.misclassified:
        wrong = "chip-trade, rejected" if item.label else "off-topic, admitted"
        shown = item.id if item.origin == "shared" else f"{item.id} {item.item.title!r}"
        print(f"  {wrong} (score {score:.3f}): {shown}")
    return 0
