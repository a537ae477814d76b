"""An article fetched from its URL: main text, publication date and publisher (trafilatura, htmldate)."""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from dataclasses import dataclass

import trafilatura
from htmldate import find_date

#: The most of a page the tracker reads (bytes), and how long it waits for it (seconds).
MAX_BYTES = 5_000_000
TIMEOUT = 15
#: Fewer words than this is a menu or a cookie notice, not an article.
MIN_WORDS = 25


class FetchError(Exception):
    """The page could not be fetched or holds no article text; the message says why."""


@dataclass(frozen=True)
class Article:
    """What a page yields for drafting."""

    url: str
    text: str
    published: dt.date | None
    publisher: str


def extract_article(html: str, url: str) -> Article:
    """The main text, publication date and publisher of an HTML page; ``FetchError`` when it holds no text."""
    try:
        text = trafilatura.extract(
            html, url=url, include_comments=False, include_tables=False, favor_recall=True
        )
        meta = trafilatura.extract_metadata(html, default_url=url)
        found = find_date(html, url=url, original_date=True, extensive_search=True)
    except Exception as exc:  # noqa: BLE001 (whatever a broken page makes the extractors raise is the page's fault)
        raise FetchError(f"the page could not be read as an article ({type(exc).__name__})") from None
    if not text or len(text.split()) < MIN_WORDS:
        raise FetchError("the page holds no article text that could be extracted: paste the text instead")
    publisher = (meta.sitename or "") if meta is not None else ""
    published = dt.date.fromisoformat(found[:10]) if found else None
    return Article(url, text, published, publisher)


def fetch_article(url: str, *, timeout: float = TIMEOUT) -> Article:
    """Fetch ``url`` and extract its article; ``FetchError`` saying why when it cannot."""
    if not url.startswith(("http://", "https://")):
        raise FetchError("the URL must start with http:// or https://")
    request = urllib.request.Request(
        url, headers={"User-Agent": "contact-timeline-tracker/1 (article drafting)"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, checked above)
            kind = response.headers.get_content_type()
            if kind not in ("text/html", "application/xhtml+xml", "text/plain"):
                raise FetchError(f"the page is {kind}, not an HTML article")
            body = response.read(MAX_BYTES + 1)
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as exc:
        raise FetchError(f"the site answered {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise FetchError(f"the page could not be reached: {exc.reason}") from None
    except TimeoutError:
        raise FetchError(f"the site did not answer within {timeout:g} seconds") from None
    except ValueError as exc:
        raise FetchError(f"the URL is not valid: {exc}") from None
    if len(body) > MAX_BYTES:
        raise FetchError(f"the page is larger than {MAX_BYTES // 1_000_000} MB")
    html = body.decode(charset, errors="replace")
    if kind == "text/plain":
        return Article(url, html, None, "")
    return extract_article(html, url)
