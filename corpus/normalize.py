"""Pure normalisation helpers: canonical URLs, outlet domains, published dates, content hashes."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from corpus.text.dates import MONTH_PATTERN, month_number

# Query parameters that only track the click, never select the content.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_hsenc",
        "_hsmi",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "smid",
        "sr_share",
        "ito",
        "ocid",
        "taid",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "outputtype",
        "amp",
        "bc",
        "share",
        "via",
        "__twitter_impression",
    }
)
_TRACKING_PREFIXES = ("utm_", "mkt_", "pk_", "hsa_", "oly_", "vero_", "at_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_PATH = re.compile(r"(?:/amp/?$|/amp(?=/)|\.amp(?=\.html?$|$))", re.IGNORECASE)

_MONTH_RE = rf"(?P<mon>{MONTH_PATTERN})"
_ISO_RE = re.compile(r"(?P<y>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)")
_URL_DATE_RE = re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?=[/-]|$)")
_URL_COMPACT_RE = re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?=/)")
_MDY_RE = re.compile(_MONTH_RE + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_DMY_RE = re.compile(
    r"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+" + _MONTH_RE + r",?\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE
)
_DATE_LINE_RE = re.compile(r"^\s*date\s+(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\s*$", re.MULTILINE)
_DATELINE_WINDOW = 400  # a dateline sits at the top of the text


def canonical_url(url: str) -> str:
    """The stable form of an article URL, used to recognise the same page under different links.

    Lower-cases scheme and host, drops ``www.``, default ports, fragments, tracking parameters
    (``utm_*``, ``fbclid``...), AMP variants (``/amp``, ``amp.`` hosts, ``?amp=1``) and a trailing
    slash; keeps the remaining query parameters, sorted.
    """
    url = url.strip()
    if "://" not in url:
        return url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    host = (parts.hostname or "").lower().rstrip(".")
    for prefix in ("www.", "amp.", "m."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()) else f"{host}:{port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k))
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def display_url(url: str) -> str:
    """The article's address as published, for citations: only tracking parameters and the fragment go.

    Unlike :func:`canonical_url` this keeps the scheme (an http-only site keeps its working http
    link), the host as written (``www.``, ``m.``, ``amp.``), the path and the order of the remaining
    parameters. A value that is not an absolute URL is returned unchanged.
    """
    url = url.strip()
    if "://" not in url:
        return url
    parts = urlsplit(url)
    if not parts.query and not parts.fragment:
        return url
    kept = [pair for pair in parts.query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept), ""))


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def source_domain(url: str) -> str:
    """The outlet's domain for display and filtering: ``https://www.reuters.com/x`` -> ``reuters.com``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _make_date(y: str | int, m: str | int, d: str | int) -> date | None:
    try:
        found = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return found if 1990 <= found.year <= 2100 else None


def parse_date(value: str | date | datetime | None) -> date | None:
    """Parse a published date given as ISO text, a datetime, or an English date phrase; None if unknown."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    for pattern in (_ISO_RE, _MDY_RE, _DMY_RE):
        if match := pattern.search(text):
            return _match_date(match)
    try:  # RFC 822 dates, as in RSS feeds and HTTP headers
        from email.utils import parsedate_to_datetime

        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def _match_date(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    month = (month_number(groups["mon"]) or 0) if groups.get("mon") else groups["m"]
    return _make_date(groups["y"], month, groups["d"])


def date_from_url(url: str) -> date | None:
    """A date spelled in the URL path (``/2025/08/10/`` or ``/20250810/``), else None."""
    path = urlsplit(url).path
    for pattern in (_URL_DATE_RE, _URL_COMPACT_RE):
        if (match := pattern.search(path)) and (found := _match_date(match)):
            return found
    return None


def date_from_text(text: str) -> date | None:
    """A dateline near the top of the text (``date 2025-08-10``, ``Aug. 10, 2025``, ``10 August 2025``)."""
    head = text[:_DATELINE_WINDOW]
    if match := _DATE_LINE_RE.search(head):
        return _match_date(match)
    for pattern in (_MDY_RE, _DMY_RE, _ISO_RE):
        if (match := pattern.search(head)) and (found := _match_date(match)):
            return found
    return None


def clean_text(text: str) -> str:
    """Normalise Unicode (NFC), line endings and blank runs, without touching the words."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "").replace("\u200b", "")
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def content_hash(text: str) -> str:
    """Hash of the text with case and whitespace folded: equal for exact duplicates."""
    folded = " ".join(text.casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def article_id_for(canonical: str) -> str:
    """The id given to an article read without one: stable for its canonical URL."""
    return "a-" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:12]
