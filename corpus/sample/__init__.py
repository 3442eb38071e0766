"""The bundled sample corpus: short digests, in our own words, of real chip-trade articles.

Each record keeps the real article's URL, outlet domain and publication date, so answers built
from the sample cite a real source. ``make run`` indexes it when no other corpus has been ingested.
"""

from pathlib import Path

SAMPLE_PATH = Path(__file__).with_name("articles.jsonl")
