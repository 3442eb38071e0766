"""The bundled sample corpus: short digests, in our own words, of real chip-trade articles.

Each record keeps the real article's URL, outlet domain and publication date, so answers built
from the sample cite a real source; each is marked ``"origin": "digest"``, so answers label its text
as our digest of that outlet's report and never quote it as the outlet's words.
``make run`` indexes it when no other corpus has been ingested.
"""

from pathlib import Path

SAMPLE_PATH = Path(__file__).with_name("articles.jsonl")
