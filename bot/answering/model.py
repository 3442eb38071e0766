"""Learned linear models: logistic regression weights over named, standardised features.

A model file is small JSON written by ``chipbot train`` (``bot/service/training.py``): the feature
names it was fitted on, their means and scales, the coefficients and intercept, and where it came
from. Applying it is one matrix product, so the answer stage needs no learning library.

Two kinds: a ``pointwise`` model gives each row its own probability (a logistic); a ``pairwise``
model was fitted on differences of rows of one question (which of two candidates answers?), so its
scores only compare rows of one question, and its probabilities are their softmax.

>>> m = LinearModel(("a", "b"), mean=(0.0, 0.0), scale=(1.0, 1.0), coef=(2.0, -1.0), intercept=0.0)
>>> m.probabilities(np.array([[1.0, 0.0], [0.0, 1.0]])).round(3).tolist()
[0.881, 0.269]
>>> from dataclasses import replace
>>> pairwise = replace(m, kind="pairwise")
>>> pairwise.probabilities(np.array([[1.0, 0.0], [0.0, 1.0]])).round(3).tolist()
[0.953, 0.047]
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

MODELS = Path(__file__).with_name("models")


class ModelMismatch(ValueError):
    """A model file was trained on other features than the code computes: run `chipbot train`."""


@dataclass(frozen=True)
class LinearModel:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5  # the operating point, where a decision is made from the probability
    kind: str = "pointwise"  # or "pairwise": see the module docstring
    about: dict[str, Any] = field(default_factory=dict)  # training data, settings and figures
    short_threshold: float | None = None  # the operating point for short rows (the abstainer's short questions)

    def threshold_for(self, short: bool) -> float:
        """The operating point for a row, short or not (``threshold`` where no other was chosen)."""
        return self.short_threshold if short and self.short_threshold is not None else self.threshold

    def at(self, threshold: float) -> LinearModel:
        """This model with one operating point for every row."""
        return replace(self, threshold=threshold, short_threshold=None)

    def scores(self, rows: np.ndarray) -> np.ndarray:
        if rows.shape[0] == 0:
            return np.zeros(0)
        return ((rows - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef) + self.intercept

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        z = self.scores(rows)
        if self.kind == "pairwise":
            if not len(z):
                return z
            e = np.exp(z - z.max())
            return e / e.sum()
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def check(self, names: tuple[str, ...]) -> LinearModel:
        if tuple(self.names) != tuple(names):
            raise ModelMismatch(
                f"model features {list(self.names)} differ from the code's {list(names)}; run `chipbot train`"
            )
        return self

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> LinearModel:
        data = json.loads(text)
        return cls(**{**data, **{k: tuple(data[k]) for k in ("names", "mean", "scale", "coef")}})

    @classmethod
    def load(cls, name: str, folder: Path = MODELS) -> LinearModel:
        return cls.from_json((folder / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Models:
    """The decisions of the answer engine (which article, which quote, which window of the first few
    articles leads, whether to answer), the confidence an answer states, and the abstainer (and
    confidence) for an index another model embedded.

    The abstainer reads sentence similarities as absolute values, which only mean what it learned
    for the embedding model it was trained with; ``lexical_abstainer`` was fitted without them
    (tune CV, 512 questions: AUC 0.732 against 0.736 with them) and takes its place for any other model.
    """

    ranker: LinearModel  # does this article answer the question?
    quoter: LinearModel  # does this window hold the answer?
    abstainer: LinearModel  # does the news answer the question at all? (answer when at least its threshold)
    lexical_abstainer: LinearModel | None = None  # the same without the embedding model's similarities
    passage: LinearModel | None = None  # which window of the first candidates answers? (None: the ranker leads)
    # does the answer's [1], with its quote, answer the question? (the confidence an answer states;
    # None: the abstainer's probability stands in, which overstates it)
    confidence: LinearModel | None = None
    lexical_confidence: LinearModel | None = None  # the same without the embedding model's similarities

    def for_embedder(self, name: str | None) -> Models:
        """These models for an index embedded by ``name``: the lexical abstainer (and confidence)
        unless ``name`` is the model they were trained with (or either is unknown)."""
        trained = self.ranker.about.get("embedder")
        if not name or not trained or name == trained or self.lexical_abstainer is None:
            return self
        return replace(self, abstainer=self.lexical_abstainer, confidence=self.lexical_confidence)

    @classmethod
    def load(cls, folder: Path = MODELS) -> Models:
        from bot.answering.features import ABSTAIN, ARTICLE, PASSAGE, QUOTE

        def optional(name: str, names: tuple[str, ...]) -> LinearModel | None:
            """A model that models trained before it came along lack (they keep the older behaviour)."""
            return LinearModel.load(name, folder).check(names) if (folder / f"{name}.json").is_file() else None

        return cls(
            LinearModel.load("ranker", folder).check(ARTICLE),
            LinearModel.load("quoter", folder).check(QUOTE),
            LinearModel.load("abstainer", folder).check(ABSTAIN),
            LinearModel.load("lexical_abstainer", folder).check(ABSTAIN),
            optional("passage", PASSAGE),
            optional("confidence", ABSTAIN),
            optional("lexical_confidence", ABSTAIN),
        )
