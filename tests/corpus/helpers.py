"""Small builders shared by the corpus tests (texts written for the tests, not copied from articles)."""

from __future__ import annotations

import json
from pathlib import Path

WIRE_STORY = (
    "Malaysia will require exporters to obtain a permit before shipping high-end AI chips of U.S. origin, "
    "the trade ministry said on Monday, tightening checks after reports that servers were being rerouted to "
    "buyers barred by Washington. The rule takes effect immediately and covers both direct exports and "
    "transshipments through the country's ports. Officials said companies must give at least 30 days' "
    "notice before any such shipment and declare the final user. Data centre operators welcomed the "
    "clarity but warned that paperwork could delay projects in Johor, where several large campuses are "
    "under construction. The ministry said it would work with U.S. agencies to share information on "
    "suspicious cargo, and that violators could face fines and the loss of their licences."
)


def syndicated_copy(story: str = WIRE_STORY) -> str:
    """The same wire story as another site would run it: own header and footer, a couple of small edits."""
    body = story.replace("said on Monday", "said Monday").replace("welcomed", "broadly welcomed")
    return (
        "Asia Tech Daily | Policy desk\n\n"
        + body
        + "\n\nSubscribe to our newsletter for daily updates on trade policy and markets."
    )


OTHER_STORY = (
    "Japan added twenty-three types of chipmaking equipment to its export control list, covering deposition, "
    "etching and lithography tools. The trade ministry said the measure follows consultations with industry "
    "and will apply to all destinations, though shipments to friendly countries will get general licences."
)


def record(rid: str | None, url: str | None, text: str, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": rid,
        "url": url,
        "title": extra.pop("title", f"Title {rid}"),
        "published": extra.pop("published", None),
        "source": extra.pop("source", None),
        "text": text,
    }
    data.update(extra)
    return data


def write_jsonl(path: Path, records: list[dict[str, object]], extra_lines: list[str] = ()) -> Path:
    lines = [json.dumps(r) for r in records] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
