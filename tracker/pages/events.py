"""Contact events: record, view (with history), edit, delete and restore one; download them as CSV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tracker import csvio
from tracker.clock import today
from tracker.db import get_engine, get_session
from tracker.filters import parse_filters
from tracker.forms import DATE_HINT, parse_event_form
from tracker.models import EVENT_FIELDS, as_text
from tracker.store import InputError, events, people, writes
from tracker.store.events import EventRow
from tracker.vocabulary import Channel, Precision, Status

bp = Blueprint("events", __name__)


# Events ----------------------------------------------------------------------------------------


def _form_page(values: dict[str, str], errors: dict[str, str], event_id: int | None = None) -> str:
    return render_template(
        "event_form.html",
        values=values,
        errors=errors,
        event_id=event_id,
        officials=people.list_officials(get_session()),
        channels=tuple(Channel),
        statuses=tuple(Status),
        precisions=tuple(Precision),
        date_hint=DATE_HINT,
    )


def _describe(item: Any) -> str:
    return (
        f"{item.official_a} – {item.official_b}, {item.channel.replace('_', ' ')} contact ({item.status}) "
        f"on {item.date.isoformat()}"
    )


@bp.get("/events/new")
def new_event() -> str:
    """The form to record a contact event."""
    return _form_page({"date_precision": "day", "channel": "phone", "status": "held"}, {})


@bp.post("/events/new")
def create_event() -> tuple[str, int] | BaseResponse:
    """Save a contact event, or show the form again with a message next to each bad field."""
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    item, errors = parse_event_form(values)
    if item is not None:
        try:
            event = writes.add_event(get_session(), item)
        except InputError as exc:
            errors = exc.errors
        else:
            flash(f"Saved: {_describe(item)}.", "success")
            return redirect(url_for("timeline.timeline", _anchor=f"event-{event.id}"))
    flash("The event was not saved: please correct the fields marked below.", "error")
    return _form_page(values, errors), 400


def _event_or_404(event_id: int, *, include_deleted: bool = False) -> EventRow:
    event = events.get_event(get_session(), event_id, include_deleted=include_deleted)
    if event is None:
        abort(404, description=f"There is no event {event_id}.")
    return event


@bp.get("/events/<id:event_id>")
def event_page(event_id: int) -> str:
    """One event with all its fields, its source and its history."""
    event = _event_or_404(event_id, include_deleted=True)
    deleted = bool(events.is_deleted(get_session(), event_id))
    history = events.event_history(get_session(), event_id)
    return render_template("event.html", event=event, deleted=deleted, history=history)


def _form_values(event: EventRow) -> dict[str, str]:
    values = {name: as_text(getattr(event, name)) for name in EVENT_FIELDS}
    values["initiated_by"] = (
        "a"
        if event.initiated_by == event.official_a
        else "b"
        if event.initiated_by == event.official_b
        else ""
    )
    return values


@bp.get("/events/<id:event_id>/edit")
def edit_event(event_id: int) -> str:
    """The form to correct an event."""
    return _form_page(_form_values(_event_or_404(event_id)), {}, event_id)


@bp.post("/events/<id:event_id>/edit")
def update_event(event_id: int) -> tuple[str, int] | BaseResponse:
    """Save corrections to an event, recording each changed field."""
    _event_or_404(event_id)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    item, errors = parse_event_form(values)
    if item is not None:
        try:
            change = writes.update_event(get_session(), event_id, item)
        except InputError as exc:
            errors = exc.errors
        else:
            if change is None:
                flash("Nothing changed.", "info")
            else:
                flash(f"Saved changes to {', '.join(change.changes)} of event {event_id}.", "success")
            return redirect(url_for("events.event_page", event_id=event_id))
    flash("The changes were not saved: please correct the fields marked below.", "error")
    return _form_page(values, errors, event_id), 400


@bp.post("/events/<id:event_id>/delete")
def delete_event(event_id: int) -> BaseResponse:
    """Move an event to the deleted list."""
    event = _event_or_404(event_id)
    writes.delete_event(get_session(), event_id)
    flash(f"Deleted: {_describe(event)}. It can be restored from the deleted events.", "success")
    return redirect(url_for("timeline.timeline"))


@bp.post("/events/<id:event_id>/restore")
def restore_event(event_id: int) -> BaseResponse:
    """Bring back a deleted event."""
    event = _event_or_404(event_id, include_deleted=True)
    try:
        writes.restore_event(get_session(), event_id)
    except LookupError:
        flash(f"Event {event_id} is not deleted.", "info")
    else:
        flash(f"Restored: {_describe(event)}.", "success")
    return redirect(url_for("events.event_page", event_id=event_id))


@bp.get("/events/deleted")
def deleted_events() -> str:
    """Deleted events, which can be restored."""
    return render_template("deleted.html", events=events.list_deleted_events(get_session()))


@bp.get("/events.csv")
def events_csv() -> Response:
    """Events as CSV in the contract of DOMAIN.md, streamed row by row; filters as on the timeline."""
    flt, errors = parse_filters(request.args)
    if errors:
        message = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return Response(f"Bad filter: {message}\n", status=400, mimetype="text/plain")
    rows = events.iter_events(get_engine(), flt=flt)
    suffix = "-filtered" if flt.active else ""
    filename = f"contact-events-{today().isoformat()}{suffix}.csv"
    return Response(
        csvio.export_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# Context events --------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
