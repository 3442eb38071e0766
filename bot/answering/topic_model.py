"""A logistic model over topic signals, and the one fitted on the labelled tune topics.

``TOPIC_MODEL`` and ``DEFAULT_FLOOR`` are written by ``bench/topic_relevance.py --fit``: it fits
the model on the tune half of ``eval/topics/topics.jsonl`` (topics split by a hash of their name),
picks the floor on the same half, and reports precision and recall on both halves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.answering.topic_signals import FEATURE_NAMES


@dataclass(frozen=True)
class LogisticModel:
    """p = sigmoid(intercept + sum(weight * (feature - mean) / scale))."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float

    def probability(self, features: Sequence[float]) -> float:
        if len(features) != len(self.names):
            raise ValueError(f"expected {len(self.names)} features ({', '.join(self.names)}), got {len(features)}")
        z = self.intercept + sum(w * (x - m) / s for w, x, m, s in zip(self.weights, features, self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def fit_logistic(names: Sequence[str], x: np.ndarray, y: np.ndarray, *, l2: float = 1.0) -> LogisticModel:
    """Maximum-likelihood logistic regression with an L2 penalty (Newton's method) on
    standardised features; plain NumPy, as a dozen features need nothing more."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    design = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0.0  # the intercept is not shrunk
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -50, 50)))
        gradient = design.T @ (p - y) + penalty * beta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return LogisticModel(
        names=tuple(names),
        mean=tuple(round(float(v), 6) for v in mean),
        scale=tuple(round(float(v), 6) for v in scale),
        weights=tuple(round(float(v), 6) for v in beta[1:]),
        intercept=round(float(beta[0]), 6),
    )


# Fitted by `bench/topic_relevance.py --fit` on the 26 tune topics (shared corpus, all-MiniLM-L6-v2).
# Measured with it: tune precision 0.90 / recall 0.74, test precision 0.92 / recall 0.81.
TOPIC_MODEL = LogisticModel(
    names=FEATURE_NAMES,
    mean=(
        0.158398,
        0.143671,
        0.057146,
        0.08755,
        0.589612,
        0.31102,
        0.275102,
        0.276799,
        0.18425,
        0.182673,
        0.10441,
        0.132035,
        0.500549,
        0.4785,
        0.469286,
    ),
    scale=(
        0.227689,
        0.208454,
        0.149165,
        0.180153,
        0.719773,
        0.16095,
        0.154913,
        0.159614,
        0.267966,
        0.262058,
        0.259701,
        0.267176,
        0.229944,
        0.239644,
        0.247973,
    ),
    weights=(
        0.107385,
        0.494764,
        0.034659,
        0.548605,
        -1.27706,
        -0.366642,
        -0.729273,
        0.205268,
        0.577968,
        -0.382174,
        0.034644,
        -0.099405,
        1.34922,
        0.95832,
        0.446338,
    ),
    intercept=-6.47222,
)
DEFAULT_FLOOR = 0.5086  # the lowest floor with tune precision >= 0.9
