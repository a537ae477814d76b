"""The timeline of every pair, the pairs overview, and the page of one pair."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from pydantic import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from tracker import analysis, charts
from tracker.clock import today
from tracker.db import get_session
from tracker.filters import EventFilter, parse_filters
from tracker.forms import field_errors
from tracker.models import PairAlertUpdate
from tracker.posts import is_post_pair_key
from tracker.store import alerts, context, events, people
from tracker.store.events import EventRow
from tracker.store.registry import registry
from tracker.vocabulary import Channel, Status

bp = Blueprint("timeline", __name__)

PERIODS = analysis.PERIODS
FREQUENCY_VIEWS = ("pair", "status")


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
        lanes=choice("lanes", events.LANES, "post"),
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


def _pair_rows(rows: Sequence[EventRow]) -> list[PairRow]:
    labels = {e.pair_key: e.pair_label for e in rows}
    settings = alerts.pair_alerts(get_session())
    found = []
    for stats in analysis.all_pair_stats(rows, as_of=today()):
        setting = settings.get(stats.pair_key)
        warn = setting.warn_factor if setting else analysis.DEFAULT_WARN_FACTOR
        alarm_days = setting.alarm_days if setting else None
        found.append(
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
    return found


def _holder_changes(rows: Sequence[EventRow]) -> list[analysis.HolderChange]:
    """Changes of holder on the lanes of ``rows``, dated by the tenures recorded."""
    book = registry(get_session()).book
    return analysis.holder_changes(rows, book.tenure_start)


def _charts(
    rows: Sequence[EventRow], options: Options, title: str = "Timeline by pair"
) -> list[charts.Chart]:
    """The timeline and the frequency chart of ``rows``."""
    if not rows:
        return []
    groups = analysis.by_pair(rows)
    gaps = {key: analysis.gaps(group) for key, group in groups.items()}
    changes = _holder_changes(rows) if options.lanes == "post" else []
    lane_words = (
        "post pair (it continues across changes of holder, marked in teal)"
        if options.lanes == "post"
        else "person pair"
    )
    found = [
        charts.Chart(
            id="timeline-chart",
            title=title,
            description="Timeline of contact events by pair; the same data is in the tables below.",
            figure=charts.timeline_figure(rows, gaps, context.list_context_events(get_session()), changes),
            hint=(
                f"One lane per {lane_words}. Filled marks are held contacts, open marks attempts, open marks "
                "with a dot refusals; the shape gives the channel. Dotted lines are silences between held "
                "contacts, labelled in days; grey bars show uncertain dates and spans."
            ),
        )
    ]
    if options.freq == "status":
        starts, series = analysis.frequency_by_status(rows, period=options.period)
        figure = charts.frequency_figure(
            starts, series, {}, period=options.period, what="events", colors=charts.status_colors()
        )
        what, description = "Events by status", "events by status"
    else:
        starts, series = analysis.frequency(rows, period=options.period)
        labels = {e.pair_key: e.pair_label for e in rows}
        figure = charts.frequency_figure(starts, series, labels, period=options.period) if series else None
        what, description = "Held contacts", "held contacts by pair"
    if figure is not None:
        found.append(
            charts.Chart(
                id="frequency-chart",
                title=f"{what} per {options.period}",
                description=f"Bar chart of {description} per {options.period}.",
                figure=figure,
            )
        )
    return found


def _filter_choices() -> dict[str, Any]:
    officials = people.list_officials(get_session())
    return {
        "countries": sorted({o.country for o in officials if o.country}),
        "official_names": [o.name for o in officials],
        "channels": tuple(Channel),
        "statuses": tuple(Status),
        "periods": PERIODS,
    }


@bp.get("/")
def timeline() -> tuple[str, int]:
    """Every pair on one timeline, held contacts per period, and a table of silences; filterable."""
    flt, errors = parse_filters(request.args)
    options = _options(errors)
    session = get_session()
    rows = events.list_events(session, flt=flt, lanes=options.lanes)
    everything = events.list_events(session, lanes=options.lanes) if flt.active else rows
    pair_choices = sorted({e.pair_key: e.pair_label for e in everything}.items(), key=lambda kv: kv[1])
    csv_args: dict[str, Any] = flt.query_args()
    if errors:
        flash("Some filters were not understood and are ignored: see the messages below.", "error")
    page = render_template(
        "timeline.html",
        events=rows,
        pairs=_pair_rows(rows),
        flt=flt,
        options=options,
        errors=errors,
        pair_choices=pair_choices,
        csv_url=url_for("events.events_csv", **csv_args),
        as_of=today(),
        total=events.count_events(session),
        charts=_charts(rows, options),
        **_filter_choices(),
    )
    return page, 400 if errors else 200


@bp.get("/pairs")
def pairs() -> tuple[str, int]:
    """Who is still talking to whom: every pair with its alert level, most alarming first."""
    errors: dict[str, str] = {}
    options = _options(errors)
    rows = sorted(
        _pair_rows(events.list_events(get_session(), lanes=options.lanes)),
        key=lambda r: (r.alert.rank, -(r.stats.silence_min_days or 0), r.label),
    )
    return render_template("pairs.html", rows=rows, options=options, errors=errors, as_of=today()), (
        400 if errors else 200
    )


def _pair_events(key: str) -> tuple[list[EventRow], str]:
    lanes = "post" if is_post_pair_key(key) else "person"
    rows = events.list_events(get_session(), flt=EventFilter(pair=key), lanes=lanes)
    if not rows:
        abort(404, description=f"No events for the pair {key!r}.")
    return rows, lanes


@bp.get("/pairs/<key>")
def pair(key: str) -> tuple[str, int]:
    """One pair: its timeline, statistics, response to context events, events and CSV."""
    rows, lanes = _pair_events(key)
    errors: dict[str, str] = {}
    chosen = _options(errors)
    options = Options(lanes=lanes, period=chosen.period, freq=chosen.freq)
    errors.pop("lanes", None)
    return _pair_page(key, rows, options, errors, {}), 400 if errors else 200


def _pair_page(
    key: str,
    rows: list[EventRow],
    options: Options,
    errors: dict[str, str],
    alert_errors: dict[str, str],
) -> str:
    [row] = _pair_rows(rows)
    responses = [
        (c, analysis.response_days(c.date, rows)) for c in context.list_context_events(get_session())
    ]
    holders = sorted({(e.official_a, e.official_b) for e in rows})
    return render_template(
        "pair.html",
        key=key,
        row=row,
        events=rows,
        responses=responses,
        holders=holders,
        options=options,
        errors=errors,
        alert_errors=alert_errors,
        alert_values=request.form if alert_errors else {},
        changes=_holder_changes(rows) if options.lanes == "post" else [],
        csv_url=url_for("events.events_csv", pair=key),
        as_of=today(),
        charts=_charts(rows, options, title="Timeline"),
    )


@bp.post("/pairs/<key>/alert")
def pair_alert(key: str) -> tuple[str, int] | BaseResponse:
    """Set the silence alert thresholds of one pair."""
    rows, lanes = _pair_events(key)
    data = {k: (v.strip() or None) for k, v in request.form.items() if k in ("warn_factor", "alarm_days")}
    try:
        item = PairAlertUpdate.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        flash("The thresholds were not saved: please correct the fields marked below.", "error")
        return _pair_page(key, rows, Options(lanes=lanes), {}, field_errors(exc)), 400
    alerts.save_pair_alert(get_session(), key, item)
    alarm = f"after {item.alarm_days} days" if item.alarm_days else "past the longest gap"
    flash(
        f"Alert thresholds saved: warn past {item.warn_factor:g} × the median gap, alarm {alarm}.", "success"
    )
    return redirect(url_for("timeline.pair", key=key))


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
