"""Learning the answer engine's models from the tune split, cross-validated by story.

``train`` reads every tune question once (the search and the candidates' readings do not depend on
the models), then fits, with scikit-learn's logistic regression:
- the ranker on every candidate of the answerable questions (does this article answer it?);
- the quoter on every window of the answering candidates that hold evidence (does this window?);
- the passage model on every window of the ranker's first ``PASSAGE_CANDIDATES`` candidates of an
  answerable question (which of these windows, read with its article's features, holds the answer?):
  it picks the lead among them;
- the abstainer on the lead and quote each question gets from ranker, passage model and quoter
  fitted WITHOUT its story (out of fold), labelled by whether the question is answerable; its
  threshold is the operating point chosen on the abstainer's own out-of-fold probabilities. It
  learns what the operating point is chosen on: an abstention on an answerable question counts as
  wrong whether or not its lead was right, so teaching it to abstain on wrong leads spent its few
  unanswerable questions (60 on tune) on the ranker's misses. Tune CV, AUC answerable/unanswerable
  0.742 -> 0.767 with that label.
- the confidence an answer states on the same rows, labelled by whether the lead answers (that
  some article answers is more likely than that [1] does), with the unanswerable questions weighed
  as if they were as rare as when the questions were first written (``as_first_written``).
Folds never split a story, so an article's siblings never teach the model its answer; whole stories
are dealt to the folds largest first, so the folds hold about as many questions each. (Story
*groups* — stories one question links — made one fold of 276 of the 393 tune questions.)
Everything is deterministic: fixed folds, a deterministic solver, sorted inputs.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from bot.answering.answerer import Answerer, Evidence, context_of, lead_order, ranker_order
from bot.answering.features import (
    ABSTAIN,
    ARTICLE,
    EMBEDDER_SPECIFIC,
    PASSAGE,
    QUOTE,
    abstain_features,
    article_ids,
    lead_margin,
    passage_features,
    window_features,
)
from bot.answering.followup import resolve_followup
from bot.answering.layout import Window
from bot.answering.model import LinearModel, Models
from bot.answering.quotes import choose_quotes
from bot.answering.tuning import (
    MAX_WRONG_ABSTENTION,
    NATURAL_UNANSWERABLE,
    PASSAGE_C,
    PASSAGE_CANDIDATES,
    SHORT_QUESTION,
)
from bot.service.evaluation import calibration_error
from bot.service.labelled import LabelledQuestion, locate

log = logging.getLogger(__name__)

FOLDS = 5
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)  # inverse regularisation strengths tried by CV


@dataclass
class Read:
    """One labelled question as read by the answerer, with its labels."""

    question: LabelledQuestion
    evidence: Evidence
    right: np.ndarray  # per candidate: it answers the question
    windows: list[tuple[int, np.ndarray]]  # (answering candidate, which of its windows hold evidence)
    window_rows: dict[int, np.ndarray] = field(default_factory=dict, repr=False)  # filled by ``window_features``

    def window_features(self, i: int) -> np.ndarray:
        """Candidate ``i``'s ``window_features``, computed once however many folds ask."""
        found = self.window_rows.get(i)
        if found is None:
            found = self.window_rows[i] = window_features(self.evidence.readings[i])
        return found


def assign_folds(questions: Sequence[LabelledQuestion], folds: int = FOLDS) -> dict[str, int]:
    """Question id -> fold: stories, largest first, each to the fold with fewest questions so far."""
    sizes = Counter(q.story for q in questions)
    held = [0] * folds
    fold_of_story = {}
    for story, size in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        fold = held.index(min(held))
        fold_of_story[story] = fold
        held[fold] += size
    return {q.id: fold_of_story[q.story] for q in questions}


def candidate_ids(evidence: Evidence, i: int) -> set[str]:
    return article_ids(evidence.result.hits[i])


def _evidence_spans(question: LabelledQuestion, text: str, ids: set[str]) -> list[tuple[int, int]]:
    """Where the evidence of the answering articles among ``ids`` sits in ``text``."""
    strings = [e for article_id in ids & question.evidence.keys() for e in question.evidence[article_id]]
    return [span for e in strings if (span := locate(e, text))]


def window_labels(windows: Sequence[Window], spans: list[tuple[int, int]]) -> np.ndarray:
    return np.array([any(w.start <= a and b <= w.end for a, b in spans) for w in windows], dtype=bool)


def read_all(answerer: Answerer, questions: Sequence[LabelledQuestion]) -> list[Read]:
    """Search and read every question once, labelling candidates and windows."""
    by_id = {q.id: q for q in questions}
    found = []
    for question in questions:
        text, previous = question.question, frozenset[str]()
        lead = by_id.get(question.follows or "")
        if lead:  # as the Answerer does in a conversation
            earlier = answerer.read(lead.question)
            context = partial(answerer.article_terms, context_of(earlier))
            text = resolve_followup(text, lead.question, answerer.weights, context)
            if text != question.question:
                previous = frozenset(context_of(earlier))
        evidence = answerer.read(text, previous=previous)
        right = np.array(
            [bool(candidate_ids(evidence, i) & question.evidence.keys()) for i in range(len(evidence.readings))]
        )
        windows = []
        for i in map(int, np.flatnonzero(right)):
            reading = evidence.readings[i]
            labels = window_labels(
                reading.windows, _evidence_spans(question, reading.article.text, candidate_ids(evidence, i))
            )
            if labels.any():
                windows.append((i, labels))
        found.append(Read(question, evidence, right, windows))
    return found


def fit(
    x: np.ndarray, y: np.ndarray, c: float, names: tuple[str, ...], about: dict, weight: np.ndarray | None = None
) -> LinearModel:
    """Pointwise logistic regression on standardised features (a constant feature keeps scale 1);
    ``weight``: how much each row counts (1 each by default)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), _scale(x)
    if len(set(y.tolist())) < 2:  # one class only (a tiny fold): the prior, whatever the features
        rate = min(max(float(np.mean(y)) if len(y) else 0.5, 0.01), 0.99)
        coef, intercept = np.zeros(x.shape[1]), float(np.log(rate / (1 - rate)))
    else:
        model = LogisticRegression(C=c, max_iter=5000).fit((x - mean) / scale, y.astype(int), sample_weight=weight)
        coef, intercept = model.coef_[0], float(model.intercept_[0])
    return LinearModel(
        names,
        tuple(float(v) for v in mean),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in coef),
        intercept,
        about=about,
    )


def _scale(x: np.ndarray) -> np.ndarray:
    scale = x.std(axis=0) if len(x) else np.ones(x.shape[1])
    scale[scale < 1e-9] = 1.0
    return scale


Group = tuple[np.ndarray, np.ndarray]  # one question's (or one article's) rows, and which are right


def fit_pairwise(groups: Sequence[Group], c: float, names: tuple[str, ...], about: dict) -> LinearModel:
    """Pairwise logistic regression (a linear RankNet): for every right and wrong row of one group,
    their difference should score above zero. Each group weighs the same, however many pairs it has."""
    from sklearn.linear_model import LogisticRegression

    scale = _scale(np.vstack([rows for rows, _ in groups]))
    diffs, labels, weights = [], [], []
    for rows, right in groups:
        good, bad = rows[right] / scale, rows[~right] / scale
        if not len(good) or not len(bad):
            continue
        d = (good[:, None, :] - bad[None, :, :]).reshape(-1, rows.shape[1])
        diffs += [d, -d]
        labels += [np.ones(len(d)), np.zeros(len(d))]
        weights += [np.full(2 * len(d), 1.0 / len(d))]
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(np.vstack(diffs), np.concatenate(labels), sample_weight=np.concatenate(weights) / 2)
    return LinearModel(
        names,
        tuple(0.0 for _ in names),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in model.coef_[0]),
        0.0,
        kind="pairwise",
        about=about,
    )


def ranker_groups(reads: Sequence[Read]) -> list[Group]:
    return [(r.evidence.rows, r.right) for r in reads if r.question.answerable and r.right.any() and not r.right.all()]


def quoter_groups(reads: Sequence[Read]) -> list[Group]:
    return [(r.window_features(i), labels) for r in reads for i, labels in r.windows if not labels.all()]


def passage_groups(reads: Sequence[Read], ranker: LinearModel) -> list[Group]:
    """Per answerable question, every window of the ``ranker``'s first ``PASSAGE_CANDIDATES``
    candidates, right where it holds evidence: the windows the passage model will compare."""
    groups = []
    for read in reads:
        evidence, labels = read.evidence, dict(read.windows)
        rows, right = [], []
        for i in ranker_order(ranker.scores(evidence.rows))[:PASSAGE_CANDIDATES]:
            reading = evidence.readings[i]
            if reading.windows:
                rows.append(passage_features(read.window_features(i), evidence.rows[i]))
                right.append(labels.get(i, np.zeros(len(reading.windows), dtype=bool)))
        if rows and (found := np.concatenate(right)).any() and not found.all():
            groups.append((np.vstack(rows), found))
    return groups


def top1(model: LinearModel, groups: Sequence[Group]) -> float:
    """Share of groups whose best-scored row is right."""
    hits = [right[int(np.argmax(model.scores(rows)))] for rows, right in groups]
    return float(np.mean(hits)) if hits else 0.0


def _choose_c(
    reads: Sequence[Read], fold: dict[str, int], groups_of, names: tuple[str, ...]
) -> tuple[float, dict[float, float]]:
    """The regularisation with the best cross-validated top-1 (ties: the stronger regularisation)."""
    scores = {}
    for c in C_GRID:
        per_fold = []
        for k in range(FOLDS):
            train = groups_of([r for r in reads if fold[r.question.id] != k])
            held = groups_of([r for r in reads if fold[r.question.id] == k])
            if train and held:
                per_fold.append(top1(fit_pairwise(train, c, names, {}), held))
        scores[c] = round(float(np.mean(per_fold)), 4) if per_fold else 0.0
    best = max(C_GRID, key=lambda c: (scores[c], -c))
    return best, scores


def abstain_row(
    ranker: LinearModel, quoter: LinearModel, passage: LinearModel, read: Read
) -> tuple[np.ndarray, int] | None:
    """The abstainer's row for the lead these ranker and passage model give (``lead_order``, as an
    answer leads before recency has its say), quoted as an answer quotes it (``choose_quotes``), and
    which candidate that lead is (None: nothing to quote)."""
    evidence = read.evidence
    if not len(evidence.readings):
        return None
    scores, probabilities = ranker.scores(evidence.rows), ranker.probabilities(evidence.rows)
    windows = {i: read.window_features(i) for i in ranker_order(scores)[:PASSAGE_CANDIDATES]}
    lead = lead_order(passage, evidence, scores, windows)[0]
    reading = evidence.readings[lead]
    quotes = choose_quotes(reading, quoter, 1, read.window_features(lead))
    if not quotes:
        return None
    [(window, probability)] = quotes
    row = abstain_features(
        evidence.query,
        reading,
        float(probabilities[lead]),
        lead_margin(scores),
        window,
        probability,
        evidence.rows[lead],
    )
    return row, lead


def choose_threshold(probabilities: np.ndarray, answerable: np.ndarray) -> tuple[float, dict[str, float]]:
    """The operating point: of the thresholds that abstain on at most ``MAX_WRONG_ABSTENTION`` of
    the answerable questions, the one that abstains on most unanswerable ones (then the lowest)."""
    best, best_stats = 0.0, {"wrongly_abstained": 0.0, "unanswerable_abstained": 0.0}
    for threshold in np.unique(np.concatenate([[0.0], probabilities])):
        stats = _abstention_stats(probabilities >= threshold, answerable)
        if (
            stats["wrongly_abstained"] <= MAX_WRONG_ABSTENTION
            and stats["unanswerable_abstained"] > best_stats["unanswerable_abstained"]
        ):
            best, best_stats = float(threshold), stats
    return best, best_stats


def _abstention_stats(answer: np.ndarray, answerable: np.ndarray) -> dict[str, float]:
    return {
        "wrongly_abstained": float((~answer & answerable).sum()) / max(int(answerable.sum()), 1),
        "unanswerable_abstained": float((~answer & ~answerable).sum()) / max(int((~answerable).sum()), 1),
    }


def _abstainer_c(x: np.ndarray, y: np.ndarray, fold: np.ndarray) -> tuple[float, dict[float, float]]:
    """The regularisation whose out-of-fold probabilities separate answerable questions best (ROC AUC)."""
    from sklearn.metrics import roc_auc_score

    scores = {}
    for c in C_GRID:
        oof = np.zeros(len(y))
        for k in range(FOLDS):
            oof[fold == k] = fit(x[fold != k], y[fold != k], c, ABSTAIN, {}).probabilities(x[fold == k])
        scores[c] = round(float(roc_auc_score(y, oof)), 4) if 0 < y.sum() < len(y) else 0.5
    return max(C_GRID, key=lambda c: (scores[c], -c)), scores


def fit_abstainer(
    x: np.ndarray, answerable: np.ndarray, fold: np.ndarray, short: np.ndarray
) -> tuple[LinearModel, list[LinearModel]]:
    """The abstainer fitted on every row, and one per fold (fitted without it), all at the operating
    points chosen on the per-fold models' out-of-fold probabilities: one for the ``short`` rows
    (questions of ``SHORT_QUESTION`` terms or fewer), one for the rest, each within the bound."""
    c, auc = _abstainer_c(x, answerable, fold)
    oof = np.zeros(len(answerable))
    per_fold = []
    for k in range(FOLDS):
        model = fit(x[fold != k], answerable[fold != k], c, ABSTAIN, {})
        oof[fold == k] = model.probabilities(x[fold == k])
        per_fold.append(model)
    if all(answerable[group].any() and (~answerable[group]).any() for group in (short, ~short)):
        threshold, _ = choose_threshold(oof[~short], answerable[~short])
        short_threshold, _ = choose_threshold(oof[short], answerable[short])
    else:  # a group without both kinds of question has no operating point of its own
        threshold = short_threshold = choose_threshold(oof, answerable)[0]
    decided = np.where(short, short_threshold, threshold)
    short_stats = _abstention_stats(oof[short] >= short_threshold, answerable[short])
    about = {
        "C": c,
        "cv_auc": auc,
        "threshold_chosen_on": "out-of-fold, tune split",
        **_abstention_stats(oof >= decided, answerable),
        "short_questions": {"terms_at_most": SHORT_QUESTION, "rows": int(short.sum()), **short_stats},
    }
    final = replace(fit(x, answerable, c, ABSTAIN, about), threshold=threshold, short_threshold=short_threshold)
    return final, [replace(m, threshold=threshold, short_threshold=short_threshold) for m in per_fold]


def fit_confidence(
    x: np.ndarray, right: np.ndarray, fold: np.ndarray, weight: np.ndarray | None = None
) -> tuple[LinearModel, list[LinearModel]]:
    """The confidence an answer states, fitted on every row and one per fold (without it): on the
    abstainer's features, the probability that the lead, with its quote, answers (``right``: the
    question is answerable and that lead is an article answering it). ``weight``: how much each row
    counts. Its regularisation is the one with the lowest out-of-fold Brier score, a proper score of
    probabilities."""
    weight = np.ones(len(right)) if weight is None else weight
    briers, oofs, fitted = {}, {}, {}
    for c in C_GRID:
        oof = np.zeros(len(right))
        fitted[c] = [fit(x[fold != k], right[fold != k], c, ABSTAIN, {}, weight[fold != k]) for k in range(FOLDS)]
        for k, model in enumerate(fitted[c]):
            oof[fold == k] = model.probabilities(x[fold == k])
        briers[c], oofs[c] = round(float(np.average((oof - right) ** 2, weights=weight)), 4), oof
    c = min(C_GRID, key=lambda c: (briers[c], -c))
    about = {
        "C": c,
        "cv_brier": briers,
        "cv_calibration_error": round(calibration_error(oofs[c], right, weight), 4),
        "lead_answers": round(float(np.average(right, weights=weight)), 4),
    }
    return fit(x, right, c, ABSTAIN, about, weight), fitted[c]


def as_first_written(answerable: np.ndarray) -> np.ndarray:
    """Row weights under which unanswerable questions are ``NATURAL_UNANSWERABLE`` of the rows, as
    among the labelled questions as first written, not as in the tune split that later rounds
    filled with near-misses for the abstainer to learn from."""
    share = 1.0 - float(answerable.mean()) if len(answerable) else 0.0
    if share in (0.0, 1.0):
        return np.ones(len(answerable))
    odds = (NATURAL_UNANSWERABLE / (1 - NATURAL_UNANSWERABLE)) / (share / (1 - share))
    return np.where(answerable, 1.0, odds)


def train(reads: Sequence[Read], embedder: str = "") -> tuple[Models, list[Models]]:
    """The final models (fitted on all of ``reads``) and one set per fold (fitted without that fold),
    for cross-validated figures. ``embedder`` names the model whose similarities the features hold."""
    fold = assign_folds([r.question for r in reads])
    ranker_c, ranker_scores = _choose_c(reads, fold, ranker_groups, ARTICLE)
    quoter_c, quoter_scores = _choose_c(reads, fold, quoter_groups, QUOTE)
    log.info("ranker C=%s (CV top-1 %s); quoter C=%s (%s)", ranker_c, ranker_scores, quoter_c, quoter_scores)

    def fit_three(subset: Sequence[Read]) -> tuple[LinearModel, LinearModel, LinearModel]:
        """Ranker, quoter, and the passage model (on the windows of that ranker's first candidates)."""
        ranker = fit_pairwise(ranker_groups(subset), ranker_c, ARTICLE, {"C": ranker_c, "cv_top1": ranker_scores})
        quoter = fit_pairwise(quoter_groups(subset), quoter_c, QUOTE, {"C": quoter_c, "cv_top1": quoter_scores})
        passage = fit_pairwise(passage_groups(subset, ranker), PASSAGE_C, PASSAGE, {"C": PASSAGE_C})
        return ranker, quoter, passage

    # Out-of-fold abstainer rows: each question's lead as models that never saw its group choose it.
    threes = [fit_three([r for r in reads if fold[r.question.id] != k]) for k in range(FOLDS)]
    rows, folds, answerable, short, right = [], [], [], [], []
    for read in reads:
        k = fold[read.question.id]
        found = abstain_row(*threes[k], read)
        if found is None:
            continue
        row, lead = found
        rows.append(row)
        folds.append(k)
        answerable.append(read.question.answerable)
        short.append(read.evidence.query.short)
        right.append(bool(read.right[lead]))  # an unanswerable question has no right candidate
    x, row_fold, can, is_short = np.vstack(rows), np.array(folds), np.array(answerable), np.array(short)
    abstainer, abstainers = fit_abstainer(x, can, row_fold, is_short)
    lead_right, natural = np.array(right), as_first_written(can)
    confidence, confidences = fit_confidence(x, lead_right, row_fold, natural)
    lexical = x.copy()
    lexical[:, [ABSTAIN.index(name) for name in EMBEDDER_SPECIFIC]] = 0.0  # constant: a zero weight
    lexical_abstainer, lexical_abstainers = fit_abstainer(lexical, can, row_fold, is_short)
    lexical_confidence, lexical_confidences = fit_confidence(lexical, lead_right, row_fold, natural)
    ranker, quoter, passage = fit_three(reads)
    trained_with = {"embedder": embedder, "questions": len(reads)}
    final = (ranker, quoter, abstainer, lexical_abstainer, passage, confidence, lexical_confidence)
    per_fold = [
        Models(
            fold_ranker,
            fold_quoter,
            abstainers[k],
            lexical_abstainers[k],
            fold_passage,
            confidences[k],
            lexical_confidences[k],
        )
        for k, (fold_ranker, fold_quoter, fold_passage) in enumerate(threes)
    ]
    return Models(*(replace(m, about={**m.about, **trained_with}) for m in final)), per_fold
