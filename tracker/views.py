"""The HTML pages: timeline, pairs, events (add, view, edit, delete), context events, CSV, plotly.js."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import arrow
import plotly
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from pydantic import ValidationError
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response as BaseResponse

from tracker import analysis, charts, csvio, queries
from tracker.db import get_engine, get_session
from tracker.forms import DATE_HINT, field_errors, parse_context_form, parse_event_form, parse_filters
from tracker.models import CHANNELS, EVENT_FIELDS, PRECISIONS, STATUSES, PairAlertUpdate, as_text

bp = Blueprint("views", __name__)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_VERSION = plotly.__version__
PERIODS = analysis.PERIODS
FREQUENCY_VIEWS = ("pair", "status")


def today() -> dt.date:
    """Today's date in UTC."""
    return arrow.utcnow().date()


# Shared by the timeline and the pair pages -----------------------------------------------------


@dataclass(frozen=True)
class Options:
    """How to show events: lanes by post or person pair, frequency period and grouping."""

    lanes: str = "post"
    period: str = "month"
    freq: str = "pair"

    def args(self) -> dict[str, str]:
        defaults = Options()
        return {k: v for k, v in vars(self).items() if v != getattr(defaults, k)}


def _options(errors: dict[str, str]) -> Options:
    def choice(name: str, allowed: Sequence[str], default: str) -> str:
        value = request.args.get(name, default) or default
        if value not in allowed:
            errors[name] = f"must be one of {', '.join(allowed)}"
            return default
        return value

    return Options(
        lanes=choice("lanes", queries.LANES, "post"),
        period=choice("period", PERIODS, "month"),
        freq=choice("freq", FREQUENCY_VIEWS, "pair"),
    )


@dataclass(frozen=True)
class PairRow:
    """A pair's statistics with its alert and callout, for the tables."""

    key: str
    label: str
    stats: analysis.PairStats
    alert: analysis.Alert
    callout: str
    warn_factor: float
    alarm_days: int | None


def _pair_rows(events: Sequence[queries.EventRow]) -> list[PairRow]:
    labels = {e.pair_key: e.pair_label for e in events}
    settings = queries.pair_alerts(get_session())
    rows = []
    for stats in analysis.all_pair_stats(events, as_of=today()):
        setting = settings.get(stats.pair_key)
        warn = setting.warn_factor if setting else analysis.DEFAULT_WARN_FACTOR
        alarm_days = setting.alarm_days if setting else None
        rows.append(
            PairRow(
                key=stats.pair_key,
                label=labels[stats.pair_key],
                stats=stats,
                alert=analysis.alert(stats, warn_factor=warn, alarm_days=alarm_days),
                callout=analysis.silence_callout(stats),
                warn_factor=warn,
                alarm_days=alarm_days,
            )
        )
    return rows


def _figures(events: Sequence[queries.EventRow], options: Options) -> dict[str, Any]:
    """Timeline and frequency figures as JSON, for templates."""
    if not events:
        return {"timeline_json": None, "freq_json": None}
    context = queries.list_context_events(get_session())
    groups = analysis.by_pair(events)
    gaps = {key: analysis.gaps(group) for key, group in groups.items()}
    changes = analysis.holder_changes(events) if options.lanes == "post" else []
    timeline = charts.timeline_figure(events, gaps, context, changes)
    if options.freq == "status":
        starts, series = analysis.frequency_by_status(events, period=options.period)
        freq = charts.frequency_figure(
            starts, series, {}, period=options.period, what="events", colors=charts.STATUS_COLORS
        )
    else:
        starts, series = analysis.frequency(events, period=options.period)
        labels = {e.pair_key: e.pair_label for e in events}
        freq = charts.frequency_figure(starts, series, labels, period=options.period) if series else None
    return {
        "timeline_json": charts.script_json(timeline),
        "freq_json": charts.script_json(freq) if freq else None,
    }


def _filter_choices() -> dict[str, Any]:
    session = get_session()
    officials = queries.list_officials(session)
    return {
        "countries": sorted({o.country for o in officials if o.country}),
        "official_names": [o.name for o in officials],
        "channels": CHANNELS,
        "statuses": STATUSES,
        "periods": PERIODS,
    }


# Timeline and pairs ----------------------------------------------------------------------------


@bp.get("/")
def timeline() -> tuple[str, int]:
    """Every pair on one timeline, held contacts per period, and a table of silences; filterable."""
    flt, errors = parse_filters(request.args)
    options = _options(errors)
    session = get_session()
    events = queries.list_events(session, flt=flt, lanes=options.lanes)
    everything = queries.list_events(session, lanes=options.lanes) if flt.active else events
    pair_choices = sorted({e.pair_key: e.pair_label for e in everything}.items(), key=lambda kv: kv[1])
    csv_args: dict[str, Any] = flt.query_args()
    if errors:
        flash("Some filters were not understood and are ignored: see the messages below.", "error")
    page = render_template(
        "timeline.html",
        events=events,
        pairs=_pair_rows(events),
        flt=flt,
        options=options,
        errors=errors,
        pair_choices=pair_choices,
        csv_url=url_for("views.events_csv", **csv_args),
        as_of=today(),
        total=queries.count_events(session),
        **_figures(events, options),
        **_filter_choices(),
    )
    return page, 400 if errors else 200


@bp.get("/pairs")
def pairs() -> tuple[str, int]:
    """Who is still talking to whom: every pair with its alert level, most alarming first."""
    errors: dict[str, str] = {}
    options = _options(errors)
    events = queries.list_events(get_session(), lanes=options.lanes)
    rows = sorted(
        _pair_rows(events),
        key=lambda r: (r.alert.rank, -(r.stats.silence_min_days or 0), r.label),
    )
    return render_template("pairs.html", rows=rows, options=options, errors=errors, as_of=today()), (
        400 if errors else 200
    )


def _pair_events(key: str) -> tuple[list[queries.EventRow], str]:
    lanes = "post" if queries.is_post_pair_key(key) else "person"
    events = queries.list_events(get_session(), flt=queries.EventFilter(pair=key), lanes=lanes)
    if not events:
        abort(404, description=f"No events for the pair {key!r}.")
    return events, lanes


@bp.get("/pairs/<key>")
def pair(key: str) -> tuple[str, int]:
    """One pair: its timeline, statistics, response to context events, events and CSV."""
    events, lanes = _pair_events(key)
    errors: dict[str, str] = {}
    chosen = _options(errors)
    options = Options(lanes=lanes, period=chosen.period, freq=chosen.freq)
    errors.pop("lanes", None)
    return _pair_page(key, events, options, errors, {}), 400 if errors else 200


def _pair_page(
    key: str,
    events: list[queries.EventRow],
    options: Options,
    errors: dict[str, str],
    alert_errors: dict[str, str],
) -> str:
    [row] = _pair_rows(events)
    context = queries.list_context_events(get_session())
    responses = [(c, analysis.response_days(c.date, events)) for c in context]
    holders = sorted({(e.official_a, e.official_b) for e in events})
    return render_template(
        "pair.html",
        key=key,
        row=row,
        events=events,
        responses=responses,
        holders=holders,
        options=options,
        errors=errors,
        alert_errors=alert_errors,
        alert_values=request.form if alert_errors else {},
        changes=analysis.holder_changes(events) if options.lanes == "post" else [],
        csv_url=url_for("views.events_csv", pair=key),
        as_of=today(),
        **_figures(events, options),
    )


@bp.post("/pairs/<key>/alert")
def pair_alert(key: str) -> tuple[str, int] | BaseResponse:
    """Set the silence alert thresholds of one pair."""
    events, lanes = _pair_events(key)
    data = {k: (v.strip() or None) for k, v in request.form.items() if k in ("warn_factor", "alarm_days")}
    try:
        item = PairAlertUpdate.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        flash("The thresholds were not saved: please correct the fields marked below.", "error")
        return _pair_page(key, events, Options(lanes=lanes), {}, field_errors(exc)), 400
    queries.save_pair_alert(get_session(), key, item)
    alarm = f"after {item.alarm_days} days" if item.alarm_days else "past the longest gap"
    flash(
        f"Alert thresholds saved: warn past {item.warn_factor:g} × the median gap, alarm {alarm}.", "success"
    )
    return redirect(url_for("views.pair", key=key))


# Events ----------------------------------------------------------------------------------------


def _form_page(values: dict[str, str], errors: dict[str, str], event_id: int | None = None) -> str:
    return render_template(
        "event_form.html",
        values=values,
        errors=errors,
        event_id=event_id,
        officials=queries.list_officials(get_session()),
        channels=CHANNELS,
        statuses=STATUSES,
        precisions=PRECISIONS,
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
            event = queries.add_event(get_session(), item)
        except queries.InputError as exc:
            errors = exc.errors
        else:
            flash(f"Saved: {_describe(item)}.", "success")
            return redirect(url_for("views.timeline", _anchor=f"event-{event.id}"))
    flash("The event was not saved: please correct the fields marked below.", "error")
    return _form_page(values, errors), 400


def _event_or_404(event_id: int, *, include_deleted: bool = False) -> queries.EventRow:
    event = queries.get_event(get_session(), event_id, include_deleted=include_deleted)
    if event is None:
        abort(404, description=f"There is no event {event_id}.")
    return event


@bp.get("/events/<id:event_id>")
def event_page(event_id: int) -> str:
    """One event with all its fields, its source and its history."""
    event = _event_or_404(event_id, include_deleted=True)
    deleted = queries.get_event(get_session(), event_id) is None
    history = queries.event_history(get_session(), event_id)
    return render_template("event.html", event=event, deleted=deleted, history=history)


def _form_values(event: queries.EventRow) -> dict[str, str]:
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
            change = queries.update_event(get_session(), event_id, item)
        except queries.InputError as exc:
            errors = exc.errors
        else:
            if change is None:
                flash("Nothing changed.", "info")
            else:
                flash(f"Saved changes to {', '.join(change.changes)} of event {event_id}.", "success")
            return redirect(url_for("views.event_page", event_id=event_id))
    flash("The changes were not saved: please correct the fields marked below.", "error")
    return _form_page(values, errors, event_id), 400


@bp.post("/events/<id:event_id>/delete")
def delete_event(event_id: int) -> BaseResponse:
    """Move an event to the deleted list."""
    event = _event_or_404(event_id)
    queries.delete_event(get_session(), event_id)
    flash(f"Deleted: {_describe(event)}. It can be restored from the deleted events.", "success")
    return redirect(url_for("views.timeline"))


@bp.post("/events/<id:event_id>/restore")
def restore_event(event_id: int) -> BaseResponse:
    """Bring back a deleted event."""
    event = _event_or_404(event_id, include_deleted=True)
    try:
        queries.restore_event(get_session(), event_id)
    except LookupError:
        flash(f"Event {event_id} is not deleted.", "info")
    else:
        flash(f"Restored: {_describe(event)}.", "success")
    return redirect(url_for("views.event_page", event_id=event_id))


@bp.get("/events/deleted")
def deleted_events() -> str:
    """Deleted events, which can be restored."""
    return render_template("deleted.html", events=queries.list_deleted_events(get_session()))


@bp.get("/events.csv")
def events_csv() -> Response:
    """Events as CSV in the contract of DOMAIN.md, streamed row by row; filters as on the timeline."""
    flt, errors = parse_filters(request.args)
    if errors:
        message = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return Response(f"Bad filter: {message}\n", status=400, mimetype="text/plain")
    rows = queries.iter_events(get_engine(), flt=flt)
    suffix = "-filtered" if flt.active else ""
    filename = f"contact-events-{today().isoformat()}{suffix}.csv"
    return Response(
        csvio.export_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# Context events --------------------------------------------------------------------------------


def _context_page(values: dict[str, str], errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    session = get_session()
    context = queries.list_context_events(session)
    events = queries.list_events(session, lanes="post")
    groups = analysis.by_pair(events)
    labels = {e.pair_key: e.pair_label for e in events}
    responses = {
        c.id: {key: analysis.response_days(c.date, group) for key, group in groups.items()} for c in context
    }
    return (
        render_template(
            "context.html",
            context=context,
            labels=labels,
            responses=responses,
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
    queries.add_context_events(get_session(), [item])
    flash(f"Saved context event: {item.title} ({item.date.isoformat()}).", "success")
    return redirect(url_for("views.context_events"))


@bp.get("/context/<id:context_id>/edit")
def edit_context_event(context_id: int) -> str:
    """The form to correct a context event."""
    event = queries.get_context_event(get_session(), context_id)
    if event is None:
        abort(404, description=f"There is no context event {context_id}.")
    values = {k: as_text(getattr(event, k)) for k in ("date", "title", "description", "source_url")}
    return render_template(
        "context_form.html", values=values, errors={}, context_id=context_id, date_hint=DATE_HINT
    )


@bp.post("/context/<id:context_id>/edit")
def update_context_event(context_id: int) -> tuple[str, int] | BaseResponse:
    """Save corrections to a context event."""
    if queries.get_context_event(get_session(), context_id) is None:
        abort(404, description=f"There is no context event {context_id}.")
    values = {k: v for k, v in request.form.items() if k != "csrf_token"}
    item, errors = parse_context_form(values)
    if item is None:
        flash("The changes were not saved: please correct the fields marked below.", "error")
        page = render_template(
            "context_form.html", values=values, errors=errors, context_id=context_id, date_hint=DATE_HINT
        )
        return page, 400
    queries.update_context_event(get_session(), context_id, item)
    flash(f"Saved context event: {item.title} ({item.date.isoformat()}).", "success")
    return redirect(url_for("views.context_events"))


@bp.post("/context/<id:context_id>/delete")
def delete_context_event(context_id: int) -> BaseResponse:
    """Remove a context event."""
    try:
        event = queries.delete_context_event(get_session(), context_id)
    except LookupError:
        abort(404, description=f"There is no context event {context_id}.")
    flash(f"Deleted context event: {event.title} ({event.date.isoformat()}).", "success")
    return redirect(url_for("views.context_events"))


# plotly.js -------------------------------------------------------------------------------------


@bp.get("/vendor/plotly-<version>.min.js")
def plotly_js(version: str) -> BaseResponse:
    """plotly.js from the installed ``plotly`` package, cached for a year (the URL has its version)."""
    response = send_file(PLOTLY_JS, mimetype="text/javascript", max_age=365 * 24 * 3600)
    if version != PLOTLY_VERSION:
        response.cache_control.max_age = 0
    return response


def _error_page(error: Any) -> tuple[str, int]:
    code = getattr(error, "code", 500) or 500
    return render_template("error.html", code=code, name=getattr(error, "name", "Error"), error=error), code


class IdConverter(IntegerConverter):
    """A database id in a URL: a positive integer small enough for every database (else 404)."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def init_app(app: Flask) -> None:
    """Register the pages, the error pages and what every template needs."""
    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(bp)
    for code in (400, 404, 405, 413):
        app.register_error_handler(code, _error_page)

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {
            "plotly_js_url": url_for("views.plotly_js", version=PLOTLY_VERSION),
            "today_iso": today().isoformat(),
            "nav_endpoints": app.view_functions,
        }
