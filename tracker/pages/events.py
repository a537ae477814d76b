"""Contact events: record, view (with history), edit, delete and restore one; download them as CSV."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from tracker import csvio, streams
from tracker.auth import editors_only
from tracker.clock import today
from tracker.countries import canonical_country
from tracker.db import get_engine, get_session
from tracker.filters import parse_filters
from tracker.forms import DATE_HINT, parse_event_form
from tracker.models import EVENT_FIELDS, EventChange, as_text, field_label
from tracker.store import InputError, StaleError, events, people, writes
from tracker.store.events import EventRow
from tracker.vocabulary import Channel, Precision, Status

bp = Blueprint("events", __name__)


# Events ----------------------------------------------------------------------------------------


def _form_page(
    values: dict[str, str],
    errors: dict[str, str],
    event_id: int | None = None,
    refusal: InputError | None = None,
    stale: EventChange | None = None,
) -> str:
    asks = (
        [
            {"field": name, "given": values.get(name, ""), "suggestions": found}
            for name, found in refusal.suggestions.items()
        ]
        if isinstance(refusal, writes.UnknownName)
        else []
    )
    return render_template(
        "event_form.html",
        values=values,
        errors=errors,
        event_id=event_id,
        stale=stale,
        asks=asks,
        looks_like=refusal.event_id if isinstance(refusal, writes.LooksLikeEvent) else None,
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


#: Events a page of the browser lists.
PAGE_SIZE = 50
#: The columns the browser sorts by, as their headings say.
SORT_LABELS = {
    "date": "Date",
    "official_a": "First side",
    "official_b": "Second side",
    "channel": "Channel",
    "status": "Status",
}


@bp.get("/events")
def browse() -> tuple[str, int]:
    """Every event, a page at a time: sortable, searchable, with facet counts and this view as CSV or JSON."""
    flt, errors = parse_filters(request.args)
    sort = request.args.get("sort", "-date")
    if sort not in events.SORTS:
        errors["sort"] = f"must be one of {', '.join(events.SORTS)}"
        sort = "-date"
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        errors["page"] = "must be a whole number"
        page = 1
    session = get_session()
    rows, total = events.list_events_page(
        session, flt=flt, lanes="post", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, sort=sort
    )
    last = max(1, -(-total // PAGE_SIZE))
    if page > last:  # past the end (the list shrank, or a hand-written address): the last page
        page = last
        rows, total = events.list_events_page(
            session, flt=flt, lanes="post", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, sort=sort
        )
    query: dict[str, Any] = dict(flt.query_args())
    html = render_template(
        "events.html",
        rows=rows,
        total=total,
        page=page,
        last=last,
        sort=sort,
        sort_labels=SORT_LABELS,
        flt=flt,
        query=query,
        errors=errors,
        facets=events.facets(session, flt),
        channels=tuple(Channel),
        statuses=tuple(Status),
        csv_url=url_for("events.events_csv", **query),
        json_url=url_for("api.list_events", **query),
        recorded=events.count_events(session),
    )
    return html, 400 if errors else 200


@bp.get("/events/new")
@editors_only
def new_event() -> str:
    """The form to record a contact event."""
    return _form_page({"date_precision": "day", "channel": "phone", "status": "held"}, {})


def _choices(values: dict[str, str]) -> writes.Choices:
    """What the person decided on the form where it asked: new names, a corroborated event, a separate contact."""
    new: set[str] = set()
    use: dict[str, str] = {}
    for side in ("a", "b"):
        for name, kind in ((f"official_{side}", "official"), (f"role_{side}", "post")):
            decision = values.get(f"decide_{name}", "")
            key = writes.choice_key(
                kind, values.get(name, ""), canonical_country(values.get(f"country_{side}", ""))
            )
            if decision == "new":
                new.add(key)
            elif decision.startswith("use:"):
                use[key] = decision.removeprefix("use:")
    corroboration = values.get("corroboration", "")
    corroborates = (
        int(corroboration[7:])
        if corroboration.startswith("source:") and corroboration[7:].isdigit()
        else None
    )
    return writes.Choices(
        new=frozenset(new), use=use, corroborates=corroborates, separate=corroboration == "separate"
    )


def _refused(exc: InputError) -> tuple[str, int]:
    """The flash message and status of a refusal: a question (409) or bad input (400)."""
    if isinstance(exc, writes.LooksLikeEvent):
        return "This looks like a contact already recorded: choose below what to do.", 409
    if isinstance(exc, writes.UnknownName):
        return "Some names are not recorded yet but close to recorded ones: choose below.", 400
    return "The event was not saved: please correct the fields marked below.", 400


@bp.post("/events/new")
def create_event() -> tuple[str, int] | BaseResponse:
    """Save a contact event, or show the form again with a message next to each bad field or a question."""
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    item, errors = parse_event_form(values)
    message, status = "The event was not saved: please correct the fields marked below.", 400
    refusal = None
    if item is not None:
        try:
            event_id, result = writes.add_event(get_session(), item, choices=_choices(values))
        except InputError as exc:
            errors, refusal = exc.errors, exc
            message, status = _refused(exc)
        else:
            for _, warning in result.warnings:
                flash(f"Saved, but note: {warning}.", "warning")
            if result.corroborating:
                flash(f"Added as a further source of event {event_id}: {_describe(item)}.", "success")
                return redirect(url_for("events.event_page", event_id=event_id))
            flash(f"Saved: {_describe(item)}.", "success")
            return redirect(url_for("timeline.timeline", _anchor=f"event-{event_id}"))
    flash(message, "error")
    return _form_page(values, errors, refusal=refusal), status


def _event_or_404(event_id: int, *, include_deleted: bool = False) -> EventRow:
    event = events.get_event(get_session(), event_id, include_deleted=include_deleted)
    if event is None:
        abort(404, description=f"There is no event {event_id}.")
    return event


@bp.get("/events/<id:event_id>")
def event_page(event_id: int) -> str:
    """One event with all its fields, its source and its history."""
    event = events.get_event(get_session(), event_id, include_deleted=True, lanes="post")
    if event is None:
        abort(404, description=f"There is no event {event_id}.")
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
    values["version"] = str(events.version_of(get_session(), event.id) or "")
    return values


@bp.get("/events/<id:event_id>/edit")
@editors_only
def edit_event(event_id: int) -> str:
    """The form to correct an event."""
    return _form_page(_form_values(_event_or_404(event_id)), {}, event_id)


@bp.post("/events/<id:event_id>/edit")
def update_event(event_id: int) -> tuple[str, int] | BaseResponse:
    """Save corrections to an event, recording each changed field."""
    _event_or_404(event_id)
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    item, errors = parse_event_form(values)
    refusal = None
    version = values.get("version", "")
    if item is not None:
        try:
            change = writes.update_event(
                get_session(),
                event_id,
                item,
                choices=_choices(values),
                version=int(version) if version.isdigit() and len(version) < 10 else None,
            )
        except StaleError as exc:
            # keep what the user typed, now based on the version they have seen
            values["version"] = str(exc.current)
            history = events.event_history(get_session(), event_id)
            flash("Not saved: someone else changed this event since you opened it.", "error")
            page = _form_page(values, {}, event_id, stale=history[-1] if history else None)
            return page, 409
        except InputError as exc:
            errors, refusal = exc.errors, exc
        else:
            if change is None:
                flash("Nothing changed.", "info")
            else:
                changed = ", ".join(field_label(name) for name in change.changes)
                flash(f"Saved changes to {changed} of event {event_id}.", "success")
            return redirect(url_for("events.event_page", event_id=event_id))
    flash("The changes were not saved: please correct the fields marked below.", "error")
    return _form_page(values, errors, event_id, refusal=refusal), 400


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
    """Events as CSV in the contract of DOMAIN.md, streamed in chunks of rows; filters as on the timeline."""
    flt, errors = parse_filters(request.args)
    if errors:
        message = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return Response(f"Bad filter: {message}\n", status=400, mimetype="text/plain")
    suffix = "-filtered" if flt.active else ""
    filename = f"contact-events-{today().isoformat()}{suffix}.csv"
    return streams.download(
        request,
        events.iter_export_text(get_engine(), flt=flt),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        level=int(current_app.config.get("COMPRESS_LEVEL", 6)),
    )


@bp.get("/sources.csv")
def sources_csv() -> Response:
    """Every further source of an event (the first is in the events CSV), keyed by event id."""
    rows = events.iter_source_rows(get_engine(), csvio.SOURCE_COLUMNS)
    return streams.download(
        request,
        csvio.export_csv(rows, csvio.SOURCE_COLUMNS),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="contact-sources-{today().isoformat()}.csv"'},
        level=int(current_app.config.get("COMPRESS_LEVEL", 6)),
    )


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
