"""Monthly assessments of lines (form, archive per month, history per line; HTML, CSV, JSON) and a pair's rhythm.

``/assessments/2026-11`` lists every line's arrow and reason for November 2026, also as
``.csv`` and ``.json`` (or ``?format=``); ``/assessments/2026-11/assess?line=p1-p2`` is the form,
pre-filled with the tracker's suggestion; ``/assessments/line/<line>`` a line's history. The
pair page's expected schedule and unobserved periods are set here too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tracker import assessing, csvio
from tracker.auth import editors_only
from tracker.clock import today
from tracker.db import get_session
from tracker.feeds import Entry
from tracker.forms import parse_form
from tracker.models import (
    ARROWS,
    Assessment,
    AssessmentCreate,
    PairScheduleUpdate,
    UnobservedPeriodCreate,
    check_month,
)
from tracker.pages import timeline
from tracker.store import assessments, rhythms

bp = Blueprint("assessments", __name__)

#: The columns of the CSV of an archive or a history, in order.
CSV_COLUMNS = (
    "month",
    "line",
    "label",
    "arrow",
    "reason",
    "notes",
    "signed_by",
    "created_at",
    "updated_at",
    "suggested_arrow",
    "suggested_reason",
)
FORMATS = ("html", "csv", "json")
ARROW_SYMBOLS = {"improved": "▲", "unchanged": "▶", "deteriorated": "▼"}
ARROW_WORDS = {"improved": "Improved", "unchanged": "Unchanged", "deteriorated": "Deteriorated"}


def _split_format(name: str) -> tuple[str, str]:
    """A path part and the format it asks for: ``2026-11.csv`` -> ("2026-11", "csv"); else ``?format=``."""
    for fmt in ("csv", "json"):
        if name.endswith(f".{fmt}"):
            return name.removesuffix(f".{fmt}"), fmt
    fmt = request.args.get("format", "html") or "html"
    if fmt not in FORMATS:
        abort(400, description=f"format: must be one of {', '.join(FORMATS)}")
    return name, fmt


def _month(text: str) -> str:
    """The month of a URL, or a 404 that says how months are written."""
    try:
        return check_month(text)
    except ValueError as exc:
        abort(404, description=f"No month {text!r}: month {exc} (e.g. {assessing.month_of(today())}).")


def _moment(value: dt.datetime) -> str:
    """A moment in ISO 8601 UTC to the second ("2026-12-03T14:52:41Z"); SQLite gives it back naive, as written."""
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _record(a: Assessment) -> dict[str, Any]:
    """An assessment as its CSV line and JSON object hold it."""
    values: dict[str, Any] = {name: getattr(a, name) for name in CSV_COLUMNS}
    values.update(created_at=_moment(a.created_at), updated_at=_moment(a.updated_at), id=a.id)
    return values


def _download(rows: Iterable[Assessment], filename: str) -> Response:
    return Response(
        csvio.export_csv((_record(a) for a in rows), CSV_COLUMNS),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _json(body: Mapping[str, Any]) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, indent=2), mimetype="application/json")


# Index and archive --------------------------------------------------------------------------------


@bp.get("/assessments")
def index() -> str:
    """Every month with assessments, the latest first, and this month's archive to start from."""
    this_month = assessing.month_of(today())
    return render_template(
        "assessments.html",
        months=[(m, assessing.month_label(m), n) for m, n in assessments.months(get_session())],
        this_month=this_month,
        last_month=assessing.shift_month(this_month, -1),
        month_label=assessing.month_label,
    )


@bp.get("/assessments/<name>")
def month(name: str) -> str | Response:
    """One month's archive: every line's arrow and reason (also .csv and .json), and the lines not yet assessed."""
    text, fmt = _split_format(name)
    chosen = _month(text)
    session = get_session()
    found = assessments.list_month(session, chosen)
    this_month = assessing.month_of(today())
    prev_month = assessing.shift_month(chosen, -1)
    next_month = assessing.shift_month(chosen, 1) if chosen < this_month else None
    if fmt == "csv":
        return _download(found, f"assessments-{chosen}.csv")
    if fmt == "json":
        return _json(
            {
                "month": chosen,
                "label": assessing.month_label(chosen),
                "prev": url_for("assessments.month", name=prev_month),
                "next": url_for("assessments.month", name=next_month) if next_month else None,
                "items": [_record(a) for a in found],
            }
        )
    assessed = {a.line for a in found}
    waiting = (
        [line for line in assessments.lines(session) if line.key not in assessed]
        if chosen <= this_month
        else []
    )
    return render_template(
        "assessment_month.html",
        month=chosen,
        label=assessing.month_label(chosen),
        items=found,
        waiting=waiting,
        prev_month=prev_month,
        next_month=next_month,
        month_label=assessing.month_label,
        arrows=ARROW_SYMBOLS,
        arrow_words=ARROW_WORDS,
    )


@bp.get("/assessments/line/<name>")
def line_history(name: str) -> str | Response:
    """One line's assessments, the latest month first (also .csv and .json)."""
    key, fmt = _split_format(name)
    session = get_session()
    found = assessments.list_line(session, key)
    line = assessments.find_line(session, key)
    if line is None and not found:
        abort(
            404, description=f"No line {key!r}: give a pair's key (as in /pairs/<key>) or dyad:<countries>."
        )
    label = line.label if line is not None else found[0].label
    if fmt == "csv":
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in key)
        return _download(found, f"assessments-{safe}.csv")
    if fmt == "json":
        return _json({"line": key, "label": label, "items": [_record(a) for a in found]})
    return render_template(
        "assessment_line.html",
        key=key,
        label=label,
        line=line,
        items=found,
        this_month=assessing.month_of(today()),
        month_label=assessing.month_label,
        arrows=ARROW_SYMBOLS,
        arrow_words=ARROW_WORDS,
    )


# The form --------------------------------------------------------------------------------------


def _form_page(
    chosen: str, line: assessments.Line | None, values: Mapping[str, str], errors: Mapping[str, str]
) -> str:
    session = get_session()
    suggestion = assessments.suggestion(session, line, chosen) if line is not None else None
    existing = assessments.get_assessment(session, line.key, chosen) if line is not None else None
    facts = assessments.month_facts(session, line, chosen) if line is not None else None
    return render_template(
        "assessment_form.html",
        month=chosen,
        label=assessing.month_label(chosen),
        line=line,
        suggestion=suggestion,
        facts=facts,
        existing=existing,
        values=values,
        errors=errors,
        arrow_choices=ARROWS,
        arrows=ARROW_SYMBOLS,
        arrow_words=ARROW_WORDS,
        reason_length=200,
    )


def _line_or_errors(key: str, errors: dict[str, str]) -> assessments.Line | None:
    if not key:
        errors["line"] = "is required: the pair's key (as in /pairs/<key>) or dyad:<countries>"
        return None
    line = assessments.find_line(get_session(), key)
    if line is None:
        errors["line"] = f"{key!r} is no recorded pair or dyad"
    return line


def _month_errors(chosen: str, errors: dict[str, str]) -> None:
    if chosen > assessing.month_of(today()):
        errors["month"] = "must not be after this month: a month is assessed once it has begun"


@bp.get("/assessments/<name>/assess")
@editors_only
def assess_form(name: str) -> tuple[str, int]:
    """The form to assess a line's month, pre-filled with the tracker's suggestion (or the saved assessment)."""
    chosen = _month(name)
    errors: dict[str, str] = {}
    _month_errors(chosen, errors)
    line = _line_or_errors(request.args.get("line", "").strip(), errors)
    values: dict[str, str] = {"line": request.args.get("line", "").strip()}
    if line is not None and not errors:
        session = get_session()
        existing = assessments.get_assessment(session, line.key, chosen)
        if existing is not None:
            values.update(arrow=existing.arrow, reason=existing.reason, notes=existing.notes)
        else:
            suggested = assessments.suggestion(session, line, chosen)
            values.update(arrow=suggested.arrow, reason=suggested.reason, notes="")
    return _form_page(chosen, line if not errors else None, values, errors), 400 if errors else 200


@bp.post("/assessments/<name>/assess")
def save_assessment(name: str) -> tuple[str, int] | BaseResponse:
    """Save the assessment of a line's month (updating the month's one if there is one), signed by the editor."""
    chosen = _month(name)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    errors: dict[str, str] = {}
    _month_errors(chosen, errors)
    line = _line_or_errors(values.get("line", "").strip(), errors)
    item, field_errors = parse_form(
        {**values, "month": chosen}, AssessmentCreate, ("line", "month", "arrow", "reason", "notes")
    )
    for field, message in field_errors.items():
        errors.setdefault(field, message)
    if errors or item is None or line is None:
        flash("The assessment was not saved: please correct the fields marked below.", "error")
        return _form_page(chosen, line if "month" not in errors else None, values, errors), 400
    session = get_session()
    suggested = assessments.suggestion(session, line, chosen)
    saved, created = assessments.save_assessment(session, item, label=line.label, suggestion=suggested)
    flash(
        f"{'Recorded' if created else 'Updated'} the assessment of {line.label} for "
        f"{assessing.month_label(chosen)}: {saved.arrow}, signed {saved.signed_by or 'anonymously'}.",
        "success",
    )
    return redirect(url_for("assessments.month", name=chosen) + f"#line-{saved.id}", code=303)


# A pair's rhythm: expected schedule and unobserved periods ----------------------------------------


@bp.post("/pairs/<key>/schedule")
def save_schedule(key: str) -> tuple[str, int] | BaseResponse:
    """Set (or with ``clear=1`` remove) a pair's expected schedule."""
    row, mode = timeline.stored_pair(key)
    session = get_session()
    if request.form.get("clear") == "1":
        removed = rhythms.delete_schedule(session, key)
        flash("Expected schedule removed." if removed else "This pair had no expected schedule.", "success")
        return redirect(url_for("timeline.pair", key=key) + "#rhythm-heading", code=303)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    item, errors = parse_form(values, PairScheduleUpdate, ("kind", "interval_days", "due_month", "note"))
    if item is None:
        flash("The expected schedule was not saved: please correct the fields marked below.", "error")
        page = timeline.pair_page(row, mode, schedule_errors=errors, schedule_values=values)
        return page, 400
    schedule = rhythms.save_schedule(session, key, item)
    flash(f"Expected schedule saved: {schedule.label}.", "success")
    return redirect(url_for("timeline.pair", key=key) + "#rhythm-heading", code=303)


@bp.post("/pairs/<key>/unobserved")
def add_unobserved(key: str) -> tuple[str, int] | BaseResponse:
    """Record an unobserved period of a pair (start, optional end, a note saying why)."""
    row, mode = timeline.stored_pair(key)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    item, errors = parse_form(
        values, UnobservedPeriodCreate, ("start", "end", "note"), dates=("start", "end"), required=("start",)
    )
    if item is None:
        flash("The unobserved period was not saved: please correct the fields marked below.", "error")
        page = timeline.pair_page(row, mode, period_errors=errors, period_values=values)
        return page, 400
    period = rhythms.add_period(get_session(), key, item)
    flash(f"Unobserved period recorded from {period.start.isoformat()}.", "success")
    return redirect(url_for("timeline.pair", key=key) + "#rhythm-heading", code=303)


@bp.post("/pairs/<key>/unobserved/<int:period_id>/delete")
def delete_unobserved(key: str, period_id: int) -> BaseResponse:
    """Remove one of a pair's unobserved periods."""
    timeline.stored_pair(key)
    try:
        rhythms.delete_period(get_session(), key, period_id)
    except LookupError:
        abort(404, description=f"The pair {key!r} has no unobserved period {period_id}.")
    flash("Unobserved period removed.", "success")
    return redirect(url_for("timeline.pair", key=key) + "#rhythm-heading", code=303)


# The alerts feed's entries ------------------------------------------------------------------------


def feed_entries(
    link: Callable[..., str], *, limit: int = 100, lines: Collection[str] | None = None
) -> list[Entry]:
    """The assessments written last as entries of the alerts feed (one id per line and month, kept on edits).

    ``lines`` keeps only the assessments of those lines.
    """
    return [
        Entry(
            id=f"assessment/{a.id}",
            title=f"{ARROW_WORDS.get(a.arrow, a.arrow)}: {a.label} ({assessing.month_label(a.month)})",
            updated=a.updated_at,
            summary=f"{a.label}, {assessing.month_label(a.month)}: {a.arrow}. {a.reason}"
            + (f" {a.notes}" if a.notes else "")
            + (f" Signed {a.signed_by}." if a.signed_by else ""),
            link=link("assessments.month", name=a.month, _anchor=f"line-{a.id}"),
            category=f"assessment-{a.arrow}",
        )
        for a in assessments.recent(get_session(), limit=limit, lines=lines)
    ]


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
