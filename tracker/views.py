"""The HTML pages: the timeline, the add-event form, the CSV download, and plotly.js."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import arrow
import plotly
from flask import (
    Blueprint,
    Flask,
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from tracker import analysis, charts, csvio, queries
from tracker.db import get_engine, get_session
from tracker.forms import DATE_HINT, parse_event_form
from tracker.models import CHANNELS, PRECISIONS, STATUSES

bp = Blueprint("views", __name__)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_VERSION = plotly.__version__


def today() -> dt.date:
    """Today's date in UTC."""
    return arrow.utcnow().date()


@bp.get("/")
def timeline() -> str:
    """The timeline of every pair, held contacts per month, and a table of silences."""
    session = get_session()
    events = queries.list_events(session)
    context = queries.list_context_events(session)
    groups = analysis.by_pair(events)
    stats = analysis.all_pair_stats(events, as_of=today())
    labels = {e.pair_key: e.pair_label for e in events}
    timeline_json = freq_json = None
    if events:
        gaps = {key: analysis.gaps(group) for key, group in groups.items()}
        timeline_json = charts.timeline_figure(events, gaps, context).to_json()
        starts, counts = analysis.frequency(events)
        if counts:
            freq_json = charts.frequency_figure(starts, counts, labels).to_json()
    return render_template(
        "timeline.html",
        events=events,
        context=context,
        stats=stats,
        labels=labels,
        timeline_json=timeline_json,
        freq_json=freq_json,
        as_of=today(),
    )


def _form_page(values: dict[str, str], errors: dict[str, str]) -> str:
    return render_template(
        "event_form.html",
        values=values,
        errors=errors,
        officials=queries.list_officials(get_session()),
        channels=CHANNELS,
        statuses=STATUSES,
        precisions=PRECISIONS,
        date_hint=DATE_HINT,
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
            flash(
                f"Saved: {item.official_a} – {item.official_b}, {item.channel.replace('_', ' ')} "
                f"contact ({item.status}) on {item.date.isoformat()}.",
                "success",
            )
            return redirect(url_for("views.timeline", _anchor=f"event-{event.id}"))
    flash("The event was not saved: please correct the fields marked below.", "error")
    return _form_page(values, errors), 400


@bp.get("/events.csv")
def events_csv() -> Response:
    """Every event as CSV in the contract of DOMAIN.md, streamed row by row."""
    rows = queries.iter_events(get_engine())
    filename = f"contact-events-{today().isoformat()}.csv"
    return Response(
        csvio.export_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/vendor/plotly-<version>.min.js")
def plotly_js(version: str) -> BaseResponse:
    """plotly.js from the installed ``plotly`` package, cached for a year (the URL has its version)."""
    response = send_file(PLOTLY_JS, mimetype="text/javascript", max_age=365 * 24 * 3600)
    if version != PLOTLY_VERSION:
        response.cache_control.max_age = 0
    return response


def init_app(app: Flask) -> None:
    """Register the pages and what every template needs."""
    app.register_blueprint(bp)

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {
            "plotly_js_url": url_for("views.plotly_js", version=PLOTLY_VERSION),
            "today_iso": today().isoformat(),
        }
