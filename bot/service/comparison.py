"""Two `chipbot eval` runs compared question by question: which questions a change made better or
worse, and whether that is more than chance.

``chipbot eval --outcomes FILE`` keeps each question's outcome (one JSON object a line); a later
``chipbot eval --against FILE`` reads them back and, for the questions both runs answered in the
same setting (tune CV, test, asked lower case ...), counts per measure the questions that went
better and worse. A point or two on a few hundred questions is often chance: the exact two-sided
sign test on the questions that changed (McNemar's test) gives the probability that chance alone
moves them at least that unevenly. The figures themselves are ``evaluation``'s.

>>> before = [
...     {
...         "run": "test",
...         "id": "q1",
...         "answerable": True,
...         "abstained": False,
...         "cited_first": False,
...         "evidence_quoted": False,
...     }
... ]
>>> now = [dict(before[0], cited_first=True, evidence_quoted=True)]
>>> [(row.measure, row.better, row.worse) for row in compare(index_records(before), now)["test"]][:2]
[('cited first', 1, 0), ('evidence quoted', 1, 0)]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.service.evaluation import Outcome

Record = dict  # one question's outcome in one run, as ``records`` writes it

# (measure, which questions it counts, the event it counts, whether that event is the good one)
MEASURES: tuple[tuple[str, Callable[[Record], bool], Callable[[Record], bool], bool], ...] = (
    ("cited first", lambda r: r["answerable"], lambda r: r["cited_first"], True),
    ("evidence quoted", lambda r: r["answerable"], lambda r: r["evidence_quoted"], True),
    ("wrongly abstained", lambda r: r["answerable"], lambda r: r["abstained"], False),
    ("unanswerable abstained", lambda r: not r["answerable"], lambda r: r["abstained"], True),
)
_FIELDS = ("abstained", "cited_first", "evidence_quoted")  # what every record must say


class OutcomesFileError(ValueError):
    """An outcomes file that cannot be read back; says which file and line."""


@dataclass(frozen=True)
class Row:
    measure: str
    questions: int  # counted by this measure in both runs
    before: float  # share of them with the event, in the earlier run
    now: float
    better: int  # questions where the change is for the better
    worse: int
    p: float  # exact two-sided sign test over the ``better + worse`` questions that changed


def records(run: str, outcomes: Iterable[Outcome]) -> list[Record]:
    """One record per outcome, under the ``run`` it belongs to (``chipbot eval``'s table title)."""
    return [
        {
            "run": run,
            "id": o.question.id,
            "kind": o.question.kind,
            "answerable": o.question.answerable,
            "abstained": o.abstained,
            "cited_first": o.cited_first,
            "evidence_quoted": o.evidence_quoted,
            "cited": o.cited,
            "confidence": o.confidence,
        }
        for o in outcomes
    ]


def write(path: Path, rows: Sequence[Record]) -> None:
    path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8")


def read(path: Path) -> dict[tuple[str, str], Record]:
    """The records of an outcomes file by (run, question id)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not {"run", "id", "answerable", *_FIELDS} <= row.keys():
                raise ValueError("not an outcome record")
        except ValueError as exc:
            raise OutcomesFileError(f"{path}:{number}: {exc}; write one with `chipbot eval --outcomes FILE`") from exc
        rows.append(row)
    return index_records(rows)


def index_records(rows: Iterable[Record]) -> dict[tuple[str, str], Record]:
    return {(r["run"], r["id"]): r for r in rows}


def sign_test_p(better: int, worse: int) -> float:
    """Two-sided exact binomial test of ``better`` against ``worse`` at even odds (1.0 when none changed)."""
    from scipy.stats import binomtest

    changed = better + worse
    return float(binomtest(better, changed, 0.5).pvalue) if changed else 1.0


def compare(before: Mapping[tuple[str, str], Record], now: Sequence[Record]) -> dict[str, list[Row]]:
    """Per run of ``now``: one ``Row`` per measure, over the questions ``before`` also has."""
    by_run: dict[str, list[tuple[Record, Record]]] = {}
    for r in now:
        earlier = before.get((r["run"], r["id"]))
        if earlier is not None:
            by_run.setdefault(r["run"], []).append((earlier, r))
    table = {}
    for run, pairs in by_run.items():
        rows = []
        for measure, counts, event, good in MEASURES:
            counted = [(old, new) for old, new in pairs if counts(old) and counts(new)]
            if not counted:
                continue
            was = [event(old) for old, _ in counted]
            is_ = [event(new) for _, new in counted]
            gained = sum(b and not a for a, b in zip(was, is_))
            lost = sum(a and not b for a, b in zip(was, is_))
            better, worse = (gained, lost) if good else (lost, gained)
            rows.append(
                Row(measure, len(counted), sum(was) / len(counted), sum(is_) / len(counted), better, worse,
                    sign_test_p(better, worse))
            )  # fmt: skip
        table[run] = rows
    return table


def format_comparison(run: str, rows: Sequence[Row], missing: int = 0) -> str:
    """A markdown table of one run against the earlier one (``missing``: its questions the earlier lacks)."""
    lines = [
        f"{run}, against the earlier outcomes" + (f" ({missing} questions not in them)" if missing else ""),
        "| measure | questions | before | now | better | worse | p (sign test) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.measure} | {r.questions} | {r.before:.1%} | {r.now:.1%} | {r.better} | {r.worse} | {r.p:.3f} |"
        )
    return "\n".join(lines)
