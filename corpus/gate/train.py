"""Training the gate on the tune split: logistic regression (scikit-learn), cross-validated there.

scikit-learn's ``LogisticRegression`` and ``StratifiedGroupKFold`` do the fitting and the folds (a
well-kept, deterministic implementation; hand-written gradient descent would need its own tests for
convergence). Only training imports it: scoring is a dot product (``model.py``).

Choices made on tune only, in this order:
1. ``C`` (inverse regularisation) and how much less the few lexical weights are regularised than
   the 384 embedding weights (``lexical_weight``: their standardised columns are multiplied by it,
   so their penalty is that many times smaller), from a small grid, by the cross-validated log loss;
2. the threshold: the highest one at which the out-of-fold scores admit at least ``min_admit`` of
   the chip-trade items (a point above the 97% floor of the issue), i.e. the one that rejects the
   most off-topic items without losing more chip-trade news than that.
The final weights are fitted on the whole tune split. The test split is scored by ``evaluate``,
which nothing here calls: ``chipbot train-gate --test`` runs it once, at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from corpus.gate.labelled import Labelled, fingerprint
from corpus.gate.model import LEXICAL_FEATURES, GateModel, TextEmbedder, gate_text, lexical_features

C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
LEXICAL_WEIGHT_GRID = (1.0, 3.0, 10.0)
FOLDS = 5
MIN_ADMIT = 0.98
TEXT_CHARS = 1000  # title + summary + this much text: about 200-250 word pieces, inside MiniLM's 256


@dataclass(frozen=True)
class Confusion:
    """Chip-trade items admitted (tp) or rejected (fn); off-topic items rejected (tn) or admitted (fp)."""

    tp: int
    fn: int
    tn: int
    fp: int

    @property
    def admit_rate(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def reject_rate(self) -> float:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fn": self.fn,
            "tn": self.tn,
            "fp": self.fp,
            "admit_rate": round(self.admit_rate, 4),
            "reject_rate": round(self.reject_rate, 4),
        }


def confusion(scores: np.ndarray, labels: np.ndarray, threshold: float) -> Confusion:
    admitted = scores >= threshold
    positive = labels == 1
    return Confusion(
        tp=int((admitted & positive).sum()),
        fn=int((~admitted & positive).sum()),
        tn=int((~admitted & ~positive).sum()),
        fp=int((admitted & ~positive).sum()),
    )


def design(items: Sequence[Labelled], embedder: TextEmbedder, text_chars: int = TEXT_CHARS) -> np.ndarray:
    """The feature matrix ``[embedding, lexical]`` of the items, as the gate computes it."""
    texts = [gate_text(i.item, text_chars) for i in items]
    vectors = embedder.embed(texts).astype(np.float64)
    return np.hstack([vectors, np.stack([lexical_features(t) for t in texts])])


@dataclass(frozen=True)
class Hyper:
    c: float
    lexical_weight: float


def fit(x: np.ndarray, y: np.ndarray, hyper: Hyper) -> tuple[np.ndarray, float]:
    """Weights and bias on raw features: columns are standardised for the fit (the lexical ones then
    multiplied by ``lexical_weight``), and the scaling is folded back into the weights."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    scale[-len(LEXICAL_FEATURES) :] /= hyper.lexical_weight
    model = LogisticRegression(C=hyper.c, class_weight="balanced", max_iter=10_000)
    model.fit((x - mean) / scale, y)
    weights = model.coef_[0] / scale
    return weights, float(model.intercept_[0] - (weights * mean).sum())


def probabilities(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ weights + bias)))


def out_of_fold(x: np.ndarray, y: np.ndarray, groups: Sequence[str], hyper: Hyper, seed: int = 0) -> np.ndarray:
    """Each tune item scored by a model fitted on the other folds (story groups kept whole)."""
    from sklearn.model_selection import StratifiedGroupKFold

    scores = np.zeros(len(y))
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    for train_rows, held_rows in folds.split(x, y, groups):
        weights, bias = fit(x[train_rows], y[train_rows], hyper)
        scores[held_rows] = probabilities(x[held_rows], weights, bias)
    return scores


def log_loss(scores: np.ndarray, y: np.ndarray) -> float:
    p = np.clip(scores, 1e-7, 1 - 1e-7)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())


def choose_threshold(scores: np.ndarray, y: np.ndarray, min_admit: float = MIN_ADMIT) -> float:
    """The highest threshold admitting at least ``min_admit`` of the positives, placed midway in the
    gap below the last positive it must admit (so it does not sit on one item's score)."""
    positives = np.sort(scores[y == 1])[::-1]
    keep = int(np.ceil(min_admit * len(positives)))
    lowest_kept = positives[keep - 1]
    below = scores[scores < lowest_kept]
    return float((lowest_kept + below.max()) / 2) if below.size else float(lowest_kept)


@dataclass(frozen=True)
class Training:
    model: GateModel
    tune: list[Labelled]
    out_of_fold: np.ndarray  # each tune item's cross-validated score at the chosen C


def train(
    items: Sequence[Labelled],
    embedder: TextEmbedder,
    *,
    text_chars: int = TEXT_CHARS,
    grid: Sequence[Hyper] | None = None,
    min_admit: float = MIN_ADMIT,
) -> Training:
    """Fit the gate on the tune items of ``items`` (test items are counted, never read)."""
    tune = [i for i in items if i.split == "tune"]
    if len({i.label for i in tune}) < 2:
        raise ValueError("the tune split needs both chip-trade and off-topic items")
    x = design(tune, embedder, text_chars)
    y = np.array([i.label for i in tune])
    groups = [i.group for i in tune]
    grid = grid or [Hyper(c, k) for k in LEXICAL_WEIGHT_GRID for c in C_GRID]
    losses = {h: log_loss(out_of_fold(x, y, groups, h), y) for h in grid}
    best = min(grid, key=lambda h: (round(losses[h], 6), h.c, h.lexical_weight))
    oof = out_of_fold(x, y, groups, best)
    threshold = choose_threshold(oof, y, min_admit)
    weights, bias = fit(x, y, best)
    cv = confusion(oof, y, threshold)
    about = {
        "labelled_set": fingerprint(items),
        "tune_items": {
            origin: [sum(1 for i in tune if i.origin == origin and i.label == label) for label in (1, 0)]
            for origin in sorted({i.origin for i in tune})
        },
        "C": best.c,
        "lexical_weight": best.lexical_weight,
        "cv_log_loss": {f"C={h.c} lexical_weight={h.lexical_weight}": round(v, 4) for h, v in losses.items()},
        "min_admit": min_admit,
        "tune_cv": cv.as_dict(),
    }
    model = GateModel(
        embedder=embedder.name,
        dim=x.shape[1] - len(LEXICAL_FEATURES),
        text_chars=text_chars,
        weights=weights,
        bias=bias,
        threshold=threshold,
        about=about,
    )
    return Training(model, tune, oof)


@dataclass(frozen=True)
class Evaluation:
    confusion: Confusion
    scores: np.ndarray
    misclassified: list[tuple[Labelled, float]]  # the item and its score, the surest mistakes first


def evaluate(model: GateModel, embedder: TextEmbedder, items: Sequence[Labelled]) -> Evaluation:
    """Score ``items`` with a trained model at its threshold."""
    texts = [gate_text(i.item, model.text_chars) for i in items]
    scores = model.probabilities(embedder.embed(texts), texts) if texts else np.zeros(0)
    y = np.array([i.label for i in items])
    wrong = [(i, float(s)) for i, s in zip(items, scores) if (s >= model.threshold) != (i.label == 1)]
    wrong.sort(key=lambda pair: -abs(pair[1] - model.threshold))
    return Evaluation(confusion(scores, y, model.threshold), scores, wrong)
