"""The corpus half of the reliability suite, as tables: bad input, near-duplicates, the address matrix.

    .venv/bin/python bench/reliability_corpus.py [--corpus ../shared/corpus/chip_trade_news.jsonl]

1. Every class of bad input (tests/corpus/bad_input_cases.py) in one batch with good records: outcome and message.
2. Near-duplicates on the shared corpus: the MinHash estimate error over every pair of articles, false folds
   (true word-shingle Jaccard below 0.3) and synthetic near-copies folded, for the hand-written MinHash this
   branch replaced ("before", re-created here as it was) and for the current detector ("after").
3. The address matrix: which URLs the fetcher refuses, and why (no network needed: refused before connecting).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import logging
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from common import SHARED, table  # noqa: E402

from corpus.dedupe import NearDuplicateIndex, jaccard, shingles  # noqa: E402
from corpus.normalize import clean_text  # noqa: E402
from corpus.pipeline import ingest  # noqa: E402
from corpus.sources.http import Fetcher, FetchError  # noqa: E402
from corpus.store import open_store  # noqa: E402
from tests.corpus.bad_input_cases import write_batch  # noqa: E402
from tests.corpus.nearcopies import near_copy  # noqa: E402

FALSE_FOLD_BELOW = 0.3
NEAR_COPY_AT_LEAST = 0.6


def bad_inputs() -> str:
    with tempfile.TemporaryDirectory(prefix="chipbot-bad-") as tmp:
        sources, feeds, expected = write_batch(Path(tmp) / "batch")
        with open_store(Path(tmp) / "data") as store:
            report = ingest(sources, store, feeds=feeds)
            stored = store.count()
    skipped = {s.source: s.reason for s in report.skipped}
    notes = {n.source: n.message for n in report.notices}
    rows = []
    for label, case in expected.items():
        if label in skipped:
            outcome, message = "skipped", skipped[label]
        else:
            outcome, message = "stored", notes.get(label, "(read as it is)")
        ok = (outcome == "skipped") == (case.outcome == "skip") and case.says in message
        rows.append((case.name, outcome, "yes" if ok else "NO", message[:110]))
    summary = (
        f"\n{len(expected)} classes; {sum(r[2] == 'yes' for r in rows)} as expected; "
        f"{stored} articles stored (the good records and the readable bad ones); no exception escaped"
    )
    return table(["class of bad input", "outcome", "as expected", "message"], rows) + summary


class OldMinHash:
    """The hand-written MinHash this branch replaced, as it was: 32-bit blake2b shingle hashes permuted by
    (a*h + b) mod (2**61 - 1) with a, b < 2**32, 128 values, LSH 64 bands x 2 rows, decided on the estimate."""

    def __init__(self) -> None:
        rng = np.random.default_rng(1)
        mask = (1 << 32) - 1
        self.a = rng.integers(1, mask, size=128, dtype=np.uint64)
        self.b = rng.integers(0, mask, size=128, dtype=np.uint64)

    def signature(self, text: str) -> np.ndarray:
        words = re.findall(r"\w+", text.casefold())
        grams = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
        hashes = np.fromiter(
            (int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little") for g in grams),
            dtype=np.uint64,
        )
        with np.errstate(over="ignore"):
            return ((np.outer(hashes, self.a) + self.b) % np.uint64((1 << 61) - 1)).min(axis=0)


def dedupe(corpus: Path) -> str:
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [clean_text(r["text"]) for r in records]
    sets = [shingles(t) for t in texts]
    old, new = OldMinHash(), NearDuplicateIndex()
    old_sigs = np.stack([old.signature(t) for t in texts])
    new_sigs = np.stack([new.signature(t) for t in texts])
    errors: dict[str, list[float]] = {"before": [], "after": []}
    old_false = []
    for a, b in itertools.combinations(range(len(texts)), 2):
        true = jaccard(sets[a], sets[b])
        old_estimate = float(np.mean(old_sigs[a] == old_sigs[b]))
        errors["before"].append(abs(old_estimate - true))
        errors["after"].append(abs(float(np.mean(new_sigs[a] == new_sigs[b])) - true))
        if old_estimate >= 0.5 and true < FALSE_FOLD_BELOW:
            old_false.append(f"{records[b]['id']}->{records[a]['id']} (true {true:.3f}, estimate {old_estimate:.2f})")

    with tempfile.TemporaryDirectory(prefix="chipbot-dedupe-") as tmp, open_store(Path(tmp)) as store:
        first = ingest([str(corpus)], store)
        copies = [(r["id"], v, near_copy(r["text"], v)) for v in range(3) for r in records]
        path = Path(tmp) / "copies.jsonl"
        path.write_text(
            "\n".join(
                json.dumps({"id": f"c{v}-{rid}", "url": f"https://copies.example/{v}/{rid}", "text": text})
                for rid, v, text in copies
            ),
            encoding="utf-8",
        )
        second = ingest([str(path)], store)
    by_id = {r["id"]: i for i, r in enumerate(records)}
    new_false = [d for d in first.duplicates if d.kind == "near"]
    into = {d.url: d.duplicate_of for d in second.duplicates}
    rows_recall = []
    for label, low, high in (("Jaccard >= 0.6", 0.6, 1.01), ("0.5 <= Jaccard < 0.6", 0.5, 0.6), ("< 0.5", 0, 0.5)):
        total = old_right = new_right = 0
        for rid, v, text in copies:
            copy_set = shingles(clean_text(text))
            true = jaccard(copy_set, sets[by_id[rid]])
            if not low <= true < high:
                continue
            total += 1
            new_right += into.get(f"https://copies.example/{v}/{rid}") == rid
            estimate = float(np.mean(old.signature(clean_text(text)) == old_sigs[by_id[rid]]))
            old_right += estimate >= 0.5
        if total:
            rows_recall.append((label, total, f"{old_right}/{total}", f"{new_right}/{total} ({new_right / total:.1%})"))

    def stats(values: list[float]) -> str:
        return f"max {max(values):.3f}, p99.9 {np.quantile(values, 0.999):.3f}, mean {np.mean(values):.4f}"

    pairs = len(errors["after"])
    lines = [
        table(
            ["", "before (hand-written MinHash)", "after (datasketch MinHash + exact Jaccard)"],
            [
                (f"estimate error over {pairs} pairs", stats(errors["before"]), stats(errors["after"])),
                (
                    f"false folds (true Jaccard < {FALSE_FOLD_BELOW})",
                    f"{len(old_false)}: {'; '.join(old_false)}",
                    f"{len(new_false)}",
                ),
                ("articles kept of the shared corpus", f"{len(records) - len(old_false)}", f"{len(first.added)}"),
            ],
        ),
        "",
        "Synthetic near-copies (first line replaced, boilerplate tail added; 3 variants per shared article),",
        "folded into their own original (before: the old estimate reaching 0.5; after: the pipeline's decision):",
        "",
        table(["true Jaccard with the original", "copies", "before", "after"], rows_recall),
    ]
    return "\n".join(lines)


ADDRESSES = [
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://10.1.2.3/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fe80::1]/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://intranet.example/ (resolves to 10.0.0.8)",
    "ftp://files.example/",
    "file:///etc/passwd",
]


def addresses() -> str:
    def resolver(host: str, port: int) -> list[str]:
        return ["10.0.0.8"] if host == "intranet.example" else ["203.0.113.7"]

    fetcher = Fetcher(resolver=resolver, min_interval_s=0, retries=0, timeout_s=1)
    rows = []
    for shown in ADDRESSES:
        try:
            fetcher.get(shown.split(" ")[0])
            rows.append((shown, "FETCHED", ""))
        except FetchError as exc:
            rows.append((shown, "refused", str(exc).split(";")[0]))
    note = (
        "\nA public URL redirecting to each of these is refused at the redirect too "
        "(tests/corpus/test_fetch_safety.py, 18 targets)."
    )
    return table(["URL", "outcome", "reason"], rows) + note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=SHARED / "chip_trade_news.jsonl")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    print("## Bad input, one batch\n")
    print(bad_inputs(), flush=True)
    if args.corpus.is_file():
        print("\n## Near-duplicates on the shared corpus\n")
        print(dedupe(args.corpus), flush=True)
    else:
        print(f"\n(shared corpus not found at {args.corpus}: near-duplicate figures skipped)")
    print("\n## The address matrix\n")
    print(addresses())
    return 0


if __name__ == "__main__":
    sys.exit(main())
