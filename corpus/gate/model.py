"""The gate's decision: is this item chip-trade news? A logistic regression, scored with NumPy.

Input: the item's title, feed summary and the start of its text (what a reader sees before deciding
to open it), embedded by the same sentence model the index uses, plus a few lexical counts. The
weights, the threshold chosen on the tune split and the name of the embedding model they expect
live in a small JSON file (``weights.json`` beside this module; ``chipbot train-gate`` rebuilds it).
The embedding function is passed in (:class:`TextEmbedder`), so the corpus stage never imports the
index.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from corpus.errors import CorpusError

WEIGHTS_PATH = Path(__file__).with_name("weights.json")
FORMAT = 1

# Lexical counts that the sentence vectors blur: trade-policy vocabulary, the state as an actor, and
# the vocabulary of reviews and launches. Each feature is log(1 + matches); the weights are learned.
_LEXICAL = {
    "policy_terms": r"export[- ]control|export (?:rule|ban|curb|restriction|licen[cs]|permit)|licen[cs]e requirement"
    r"|entity list|blacklist|sanction|tariff|dut(?:y|ies)\b|\bcurbs?\b|restrict|\bban(?:s|ned)?\b|embargo"
    r"|foreign direct product|dual[- ]use|smuggl|chips act|subsid|state aid|grant|waiver|bureau of industry"
    r"|\bbis\b|commerce department|department of commerce|mofcom|national security",
    "state_actors": r"washington|beijing|white house|congress|lawmaker|senat|ministry|minister|government"
    r"|administration|regulator|the hague|tokyo|taipei|brussels|european commission|trump|biden",
    "chip_terms": r"\bchip|semiconductor|wafer|\bfabs?\b|foundr|lithograph|\beuv\b|\bduv\b|\bgpus?\b|accelerator"
    r"|\bhbm\b|\beda\b|\bnvidia|\basml|\btsmc|\bsmic|huawei|ascend|\bnm\b|\d+ ?nm\b|gallium|germanium|photoresist",
    "product_terms": r"review|benchmark|\bfps\b|gaming|hands[- ]on|price[ds]? at|\$\d+ |unbox|teardown|tested"
    r"|battery life|display|camera|launch(?:es|ed)?\b|unveil|keynote",
}
LEXICAL_FEATURES = (*_LEXICAL, "policy_x_chip")
_PATTERNS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in _LEXICAL.items()}


class GateModelError(CorpusError):
    """The gate's weights file is missing, unreadable or made for another embedding model."""


class TextEmbedder(Protocol):
    """What the gate needs from an embedding model (``index.embed.Embedder`` satisfies it)."""

    name: str

    def embed(self, texts: list[str]) -> np.ndarray:
        """Rows L2-normalised, one per text."""
        ...


@dataclass(frozen=True)
class GateItem:
    """What the gate reads of an item."""

    title: str | None
    text: str
    summary: str | None = None


@dataclass(frozen=True)
class GateDecision:
    """The gate's verdict on one item. ``score`` is the model's probability that it is chip-trade
    news (None when no model scored it); ``reason``: gate | bypass (an admin's ``/ingest url``) |
    admin (``chipbot admit`` / ``reject``) | ungated (``--no-gate``, the bundled sample)."""

    admitted: bool
    score: float | None
    threshold: float | None
    reason: str


def gate_text(item: GateItem, text_chars: int) -> str:
    """Title, summary and the first ``text_chars`` characters of the text, one per line; a summary
    that merely repeats the start of the text (a feed-summary item) is not repeated."""
    parts = [" ".join((item.title or "").split())]
    summary = " ".join((item.summary or "").split())
    head = " ".join(item.text[: text_chars + 200].split())[:text_chars]
    if summary and not head.startswith(summary[:80]):
        parts.append(summary)
    parts.append(head)
    return "\n".join(part for part in parts if part)


def lexical_features(text: str) -> np.ndarray:
    """log(1 + matches) per pattern, and policy x chip: trade vocabulary counts for the gate only
    when the item is about chips (a linear model cannot make that product itself)."""
    counts = {name: math.log1p(len(pattern.findall(text))) for name, pattern in _PATTERNS.items()}
    return np.array([*counts.values(), counts["policy_terms"] * counts["chip_terms"]], dtype=np.float64)


@dataclass(frozen=True)
class GateModel:
    """Logistic-regression weights over ``[embedding, lexical features]``; the lexical features'
    standardisation is folded into their weights, so scoring is one dot product and a sigmoid."""

    embedder: str  # the embedding model whose vectors the weights expect (Embedder.name)
    dim: int
    text_chars: int
    weights: np.ndarray  # dim + len(LEXICAL_FEATURES)
    bias: float
    threshold: float  # chosen on the tune split
    about: dict[str, Any] = field(default_factory=dict)  # how it was trained, the tune figures

    def probabilities(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        if vectors.shape[1] != self.dim:
            raise GateModelError(f"the gate expects {self.dim}-dimensional vectors, got {vectors.shape[1]}")
        lexical = np.stack([lexical_features(t) for t in texts]) if texts else np.zeros((0, len(LEXICAL_FEATURES)))
        logits = np.hstack([vectors.astype(np.float64), lexical]) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-logits))

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "embedder": self.embedder,
            "dim": self.dim,
            "text_chars": self.text_chars,
            "lexical_features": list(LEXICAL_FEATURES),
            "threshold": round(self.threshold, 6),
            "bias": round(self.bias, 8),
            "weights": [round(float(w), 8) for w in self.weights],
            "about": self.about,
        }
        return json.dumps(data, indent=1, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str, *, source: str = "weights") -> GateModel:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT or tuple(data["lexical_features"]) != LEXICAL_FEATURES:
                raise GateModelError(f"{source} was written by another version of the gate: run `chipbot train-gate`")
            weights = np.asarray(data["weights"], dtype=np.float64)
            if weights.shape != (int(data["dim"]) + len(LEXICAL_FEATURES),):
                raise GateModelError(
                    f"{source}: {weights.shape[0]} weights for {data['dim']} dimensions: run `chipbot train-gate`"
                )
            return cls(
                embedder=str(data["embedder"]),
                dim=int(data["dim"]),
                text_chars=int(data["text_chars"]),
                weights=weights,
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
                about=dict(data.get("about") or {}),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise GateModelError(f"{source} is not a gate weights file ({exc}): run `chipbot train-gate`") from exc

    @classmethod
    def load(cls, path: Path | None = None) -> GateModel:
        """The weights at ``path`` (default: the trained ``weights.json`` shipped with chipbot)."""
        path = Path(path or WEIGHTS_PATH)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise GateModelError(f"cannot read the gate weights {path} ({exc}): run `chipbot train-gate`") from exc
        return cls.from_json(text, source=str(path))


class TopicGate:
    """Scores items with a :class:`GateModel` and an embedding function; admits ``score >= threshold``."""

    def __init__(self, model: GateModel, embedder: TextEmbedder, *, threshold: float | None = None) -> None:
        if embedder.name != model.embedder:
            raise GateModelError(
                f"the gate's weights were trained on {model.embedder!r} vectors, not {embedder.name!r}: "
                "give it that model's embedder, or retrain with `chipbot train-gate`"
            )
        self.model = model
        self.admits_all = False
        self.threshold = model.threshold if threshold is None else threshold
        self._embedder = embedder

    def scores(self, items: Sequence[GateItem]) -> np.ndarray:
        texts = [gate_text(item, self.model.text_chars) for item in items]
        if not texts:
            return np.zeros(0)
        return self.model.probabilities(self._embedder.embed(texts), texts)

    def decide(self, item: GateItem) -> GateDecision:
        score = float(self.scores([item])[0])
        return GateDecision(score >= self.threshold, round(score, 6), self.threshold, "gate")


class Gate(Protocol):
    """What the ingest pipeline asks of a gate."""

    admits_all: bool  # a bypass: it records scores but keeps nothing out

    def decide(self, item: GateItem) -> GateDecision: ...


class Bypass:
    """Admits everything (an admin's ``/ingest url``), still recording what the gate would have said."""

    admits_all = True

    def __init__(self, gate: Gate) -> None:
        self._gate = gate

    def decide(self, item: GateItem) -> GateDecision:
        return replace(self._gate.decide(item), admitted=True, reason="bypass")
