"""Records marked ``"origin": "digest"`` (our own words about a report, as in the bundled sample) are
stored as digests, and re-ingesting the sample relabels a store that holds it unmarked."""

from __future__ import annotations

import json
from pathlib import Path

from corpus.pipeline import ingest
from corpus.sample import SAMPLE_PATH
from corpus.store import open_store


def test_the_sample_is_stored_as_digests_and_older_unmarked_copies_are_relabelled(
    data_dir: Path, tmp_path: Path
) -> None:
    records = [json.loads(line) for line in SAMPLE_PATH.read_text(encoding="utf-8").splitlines()]
    assert {r["origin"] for r in records} == {"digest"}
    unmarked = tmp_path / "unmarked.jsonl"  # the sample as chipbot stored it before it was marked
    unmarked.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "origin"}) + "\n" for r in records))
    with open_store(data_dir) as store:
        ingest([str(unmarked)], store)
        assert not any(a.is_digest for a in store.articles())
        report = ingest([str(SAMPLE_PATH)], store)
        assert len(report.updated) == len(records) and not report.added
        assert all(a.is_digest for a in store.articles())


def test_only_the_digest_origin_is_taken_from_a_record(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    text = "A report in our own words about licences for lithography tools, written for this test."
    rows = [
        {"id": "d1", "url": "https://a.example/1", "text": text, "origin": "digest"},
        {
            "id": "d2",
            "url": "https://a.example/2",
            "text": "Rapidus began 2nm pilot runs in Hokkaido.",
            "origin": "url",
        },
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with open_store(data_dir) as store:
        ingest([str(path)], store)
        origins = {a.id: a.origin for a in store.articles()}
    assert origins == {"d1": "digest", "d2": "jsonl"}
