"""An article fetched from its URL: main text, publication date and publisher (trafilatura, htmldate)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

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
    # imported on first use: the extractors take a tenth of a second to load, which every start paid
    import trafilatura
    from htmldate import find_date

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


def check_public(url: str) -> None:
    """Refuse a URL whose host is this machine or a private network (the server must not be a proxy into it)."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if not host:
        raise FetchError("the URL names no host")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        raise FetchError(f"the host {host} could not be found") from None
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if not ip.is_global:
            raise FetchError(
                f"the host {host} is on a private or local network ({ip}): paste the text instead"
            )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another public http(s) address."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if not newurl.startswith(("http://", "https://")):
            raise FetchError("the page redirects to an address that is not http(s)")
        if self.public_only:
            check_public(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    public_only = True


def fetch_article(url: str, *, timeout: float = TIMEOUT, allow_private: bool = False) -> Article:
    """Fetch ``url`` and extract its article; ``FetchError`` saying why when it cannot.

    Hosts on private or local networks are refused unless ``allow_private`` (the
    ``DRAFTS_FETCH_PRIVATE`` setting), redirects included.
    """
    if not url.startswith(("http://", "https://")):
        raise FetchError("the URL must start with http:// or https://")
    if not allow_private:
        check_public(url)
    request = urllib.request.Request(
        url, headers={"User-Agent": "contact-timeline-tracker/1 (article drafting)"}
    )
    redirects = _CheckedRedirects()
    redirects.public_only = not allow_private
    opener = urllib.request.build_opener(redirects)
    try:
        with opener.open(request, timeout=timeout) as response:
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
