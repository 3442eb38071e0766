"""Countries by any of their names: "Tokyo", "Japanese" and "Japan" name one country.

News names a government by its capital ("Beijing said", "Seoul's chip bill") and a country by its
demonym ("the Dutch government"), and a question and the article that answers it often pick
different ones. Whether an article mentions a question's name is a feature of the ranker and the
abstainer (``evidence.entity_present``); a country is mentioned when any of its names is.

The names come from countryinfo's country data (name, demonym, capital, other spellings) rather
than a hand-kept list: 256 countries, loaded once (20 ms). Codes (two and three capitals: "IT", "AND",
"CAN") and names in other scripts are left out: as words they would match everywhere or nowhere.

>>> sorted(country_names("Tokyo"))
['japan', 'japanese', 'nihon', 'nippon', 'tokyo']
>>> "south korea" in country_names("South Korean"), country_names("Nvidia")
(True, frozenset())
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_CODE = re.compile(r"[A-Z]{2,3}")
_LATIN = re.compile(r"[A-Za-z][A-Za-z .'’-]*")


def _names(country: Any) -> set[str]:
    """A countryinfo country's usable names, lower-cased."""
    found: list[Any] = []
    for value in (country.name(), country.demonym(), country.capital(), country.alt_spellings()):
        found += value if isinstance(value, list) else [value]  # some countries have two capitals
    names = set()
    for name in found:
        if not isinstance(name, str) or _CODE.fullmatch(name) or not _LATIN.fullmatch(name):
            continue
        names.add(re.sub(r"\s+d\.c\.$", "", name.lower()))  # "Washington D.C." is "Washington"
    return names


@cache
def _index() -> dict[str, frozenset[str]]:
    from countryinfo import all_countries  # a data package: imported on first use

    index: dict[str, frozenset[str]] = {}
    # A name two countries share ("Chinese": China, Hong Kong, Macau) is the most populous one's.
    for country in sorted(all_countries(), key=lambda c: -(c.population() or 0)):
        names = frozenset(_names(country))
        for name in names:
            index.setdefault(name, names)
    return index


def country_names(name: str) -> frozenset[str]:
    """Every name of the country ``name`` names (lower-cased, itself included), or nothing when it
    names no country."""
    return _index().get(" ".join(name.lower().split()), frozenset())
