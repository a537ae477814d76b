"""Context events: add, edit and delete them; each pair's response time to each."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tracker import analysis
from tracker.db import get_session
from tracker.forms import CONTEXT_FIELDS, DATE_HINT, parse_context_form
from tracker.models import as_text
from tracker.store import context, events

bp = Blueprint("context", __name__)


def _context_page(values: dict[str, str], errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    session = get_session()
    listed = context.list_context_events(session)
    rows = events.list_events(session, lanes="post")
    groups = analysis.by_pair(rows)
    labels = {e.pair_key: e.pair_label for e in rows}
    countries = {e.pair_key: {e.country_a, e.country_b} for e in rows}
    # a pair's response time to a context event, for the pairs the event concerns (None: not concerned)
    responses = {
        c.id: {
            key: analysis.response_days(c.date, group)
            if analysis.concerns(c.countries, countries[key])
            else None
            for key, group in groups.items()
        }
        for c in listed
    }
    concerned = {
        c.id: {key for key in groups if analysis.concerns(c.countries, countries[key])} for c in listed
    }
    return (
        render_template(
            "context.html",
            context=listed,
            labels=labels,
            responses=responses,
            concerned=concerned,
            values=values,
            errors=errors,
            date_hint=DATE_HINT,
        ),
        status,
    )


@bp.get("/context")
def context_events() -> tuple[str, int]:
    """Context events, a form to add one, and each pair's response time to each."""
    return _context_page({}, {})


@bp.post("/context")
def create_context_event() -> tuple[str, int] | BaseResponse:
    """Save a context event."""
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    item, errors = parse_context_form(values)
    if item is None:
        flash("The context event was not saved: please correct the fields marked below.", "error")
        return _context_page(values, errors, 400)
    context.add_context_events(get_session(), [item])
    flash(f"Saved context event: {item.title} ({item.date.isoformat()}).", "success")
    return redirect(url_for("context.context_events"))


@bp.get("/context/<id:context_id>/edit")
def edit_context_event(context_id: int) -> str:
    """The form to correct a context event."""
    event = context.get_context_event(get_session(), context_id)
    if event is None:
        abort(404, description=f"There is no context event {context_id}.")
    values = {k: as_text(getattr(event, k)) for k in CONTEXT_FIELDS}
    values["countries"] = values["countries"].replace("|", ", ")
    return render_template(
        "context_form.html", values=values, errors={}, context_id=context_id, date_hint=DATE_HINT
    )


@bp.post("/context/<id:context_id>/edit")
def update_context_event(context_id: int) -> tuple[str, int] | BaseResponse:
    """Save corrections to a context event."""
    if context.get_context_event(get_session(), context_id) is None:
        abort(404, description=f"There is no context event {context_id}.")
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    item, errors = parse_context_form(values)
    if item is None:
        flash("The changes were not saved: please correct the fields marked below.", "error")
        page = render_template(
            "context_form.html", values=values, errors=errors, context_id=context_id, date_hint=DATE_HINT
        )
        return page, 400
    context.update_context_event(get_session(), context_id, item)
    flash(f"Saved context event: {item.title} ({item.date.isoformat()}).", "success")
    return redirect(url_for("context.context_events"))


@bp.post("/context/<id:context_id>/delete")
def delete_context_event(context_id: int) -> BaseResponse:
    """Remove a context event."""
    try:
        event = context.delete_context_event(get_session(), context_id)
    except LookupError:
        abort(404, description=f"There is no context event {context_id}.")
    flash(f"Deleted context event: {event.title} ({event.date.isoformat()}).", "success")
    return redirect(url_for("context.context_events"))


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
