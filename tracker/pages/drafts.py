"""Draft contacts from an article: paste its text or give its URL, review the candidates, save the rest."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as BaseResponse

from tracker.auth import editors_only
from tracker.db import get_session
from tracker.drafting import Candidate
from tracker.fetching import FetchError, fetch_article
from tracker.store import drafts
from tracker.vocabulary import Channel, Precision, Status

bp = Blueprint("drafts", __name__)

#: The candidate fields the review form edits, in the order it shows them.
EDITED = (
    "date", "date_end", "date_precision", "official_a", "country_a", "official_b", "country_b",
    "channel", "status", "summary",
)  # fmt: skip
SOURCE = ("source_url", "source_publisher", "source_date")


def highlight(sentence: str, cues: dict[str, str]) -> Markup:
    """The sentence with the words that decided each field marked (``<mark data-field=...>``)."""
    spans: list[tuple[int, int, str]] = []
    for name, words in cues.items():
        if not words:
            continue
        m = re.search(re.escape(words), sentence)
        if m and not any(m.start() < e and s < m.end() for s, e, _ in spans):
            spans.append((m.start(), m.end(), name))
    out, at = Markup(""), 0
    for start, end, name in sorted(spans):
        out += escape(sentence[at:start])
        out += Markup('<mark data-field="{}" title="{}">{}</mark>').format(
            name, name.replace("_", " "), sentence[start:end]
        )
        at = end
    return out + escape(sentence[at:])


def _row(
    c: Candidate, source: drafts.ArticleSource, matches: int | None, suggestions: dict[str, list[str]]
) -> dict[str, Any]:
    row: dict[str, Any] = {
        k: ("" if v is None else str(v)) for k, v in drafts.candidate_item(c, source).items()
    }
    row.update(
        keep="on",
        evidence=c.evidence,
        date_phrase=c.date_phrase,
        matches_event=matches,
        marked=highlight(c.evidence, c.cues),
        new_officials=c.new_officials,
        suggestions=suggestions,
    )
    return row


def _page(status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("article", {"text": "", "url": "", "published": "", "publisher": ""})
    context.setdefault("rows", [])
    context.setdefault("errors", {})
    return (
        render_template(
            "drafts.html",
            channels=list(Channel),
            statuses=list(Status),
            precisions=list(Precision),
            **context,
        ),
        status,
    )


@bp.get("/drafts")
@editors_only
def draft_form() -> tuple[str, int]:
    """The empty form: paste an article or give its URL."""
    return _page()


@bp.post("/drafts")
def draft() -> tuple[str, int]:
    """Propose the contacts of the pasted (or fetched) article; writes nothing."""
    form = request.form
    article = {k: form.get(k, "").strip() for k in ("text", "url", "published", "publisher")}
    errors: dict[str, str] = {}
    fetch_only = form.get("action") == "fetch"
    if article["url"] and (fetch_only or not article["text"]):
        try:
            fetched = fetch_article(article["url"], allow_private=current_app.config["DRAFTS_FETCH_PRIVATE"])
        except FetchError as exc:
            errors["url"] = f"could not fetch the article: {exc}"
            return _page(400, article=article, errors=errors)
        article["text"] = fetched.text
        article["published"] = article["published"] or (
            fetched.published.isoformat() if fetched.published else ""
        )
        article["publisher"] = article["publisher"] or fetched.publisher
        if fetch_only:  # check the text, date and publisher before drafting
            return _page(200, article=article, fetched=True)
    if not article["text"]:
        errors["text"] = "paste the article's text, or give its URL"
    published = None
    try:
        published = dt.date.fromisoformat(article["published"])
    except ValueError:
        errors["published"] = "give the publication date as YYYY-MM-DD: dates in the text are read against it"
    if errors or published is None:
        return _page(400, article=article, errors=errors)
    source = drafts.ArticleSource(article["url"], article["publisher"], published)
    proposals = drafts.propose(get_session(), article["text"], published, source)
    rows = [
        _row(p.candidate, source, p.matches_event, p.suggestions) for p in proposals.items if not p.problem
    ]
    return _page(200, article=article, rows=rows, third_party=proposals.third_party, drafted=True)


def _rows_from_form() -> list[dict[str, Any]]:
    form = request.form
    count = int(form.get("count", "0") or 0)
    rows = []
    for n in range(min(count, 500)):
        row: dict[str, Any] = {
            k: form.get(f"c{n}-{k}", "").strip() for k in (*EDITED, "evidence", "date_phrase")
        }
        row["keep"] = form.get(f"c{n}-keep", "")
        match = form.get(f"c{n}-matches_event", "")
        row["matches_event"] = int(match) if match.isdigit() else None
        row["marked"] = escape(row["evidence"])
        rows.append(row)
    return rows


@bp.post("/drafts/save")
def save_draft() -> BaseResponse | tuple[str, int]:
    """Save the kept candidates, all or none, with the article as their source."""
    form = request.form
    article = {k: form.get(k, "").strip() for k in ("text", "url", "published", "publisher")}
    rows = _rows_from_form()
    kept = [r for r in rows if r["keep"]]
    numbers = [n for n, r in enumerate(rows) if r["keep"]]
    items = [
        {
            **{k: r[k] for k in EDITED},
            "role_a": "",
            "role_b": "",
            "initiated_by": "",
            "source_url": article["url"],
            "source_publisher": article["publisher"],
            "source_date": article["published"] or None,
        }
        for r in kept
    ]
    try:
        result = drafts.save_candidates(get_session(), items, confirm_new=bool(form.get("confirm_new")))
    except drafts.DraftRefused as exc:
        errors: dict[str, str] = {}
        for key, message in exc.errors.items():
            number, _, name = key.partition(".")
            if number.isdigit() and name:
                index = numbers[int(number) - 1]
                errors[f"c{index}-{name}"] = f"candidate {index + 1}, {name.replace('_', ' ')}: {message}"
            else:
                errors[key] = message
        return _page(
            400,
            article=article,
            rows=rows,
            errors=errors,
            drafted=True,
            third_party=[],
            confirm_new=bool(form.get("confirm_new")),
        )
    already = f"; {result.skipped} already recorded from this source" if result.skipped else ""
    flash(
        f"Saved {len(result.added)} new event(s) and {len(result.corroborating)} further source(s) "
        f"of recorded contacts from the article{already}.",
        "success",
    )
    return redirect(url_for("events.browse"), code=303)


def init_app(app: Flask) -> None:
    """Register the drafting pages; fetching from private networks is off unless set."""
    app.config.setdefault("DRAFTS_FETCH_PRIVATE", False)
    app.register_blueprint(bp)
