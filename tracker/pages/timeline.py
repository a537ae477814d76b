"""The timeline of every lane, the status board of pairs, and the page of one pair.

The timeline page carries the figure of its first window; ``/timeline.json`` answers the
figure of any other window (the browser asks as the user zooms and pans), with events one by
one where they fit on screen and counted per stretch of days where they do not.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from pydantic import ValidationError
from werkzeug.wrappers import Response as BaseResponse

from tracker import analysis, assessing, board, caching, charts
from tracker import timeline as drawing
from tracker.clock import today
from tracker.db import get_session
from tracker.filters import EventFilter, parse_filters
from tracker.forms import DATE_HINT, field_errors, parse_date
from tracker.models import PairAlertUpdate
from tracker.posts import is_pair_key, is_post_pair_key
from tracker.store import alerts, context, events, lanes, people, rhythms
from tracker.store import assessments as assessment_store
from tracker.store.events import EventRow
from tracker.vocabulary import Channel, Status

bp = Blueprint("timeline", __name__)

PERIODS = analysis.PERIODS
FREQUENCY_VIEWS = ("pair", "status")
#: A window holding more events than this (``TIMELINE_DETAIL_LIMIT``) is drawn as counts per stretch of days.
DETAIL_LIMIT = 2000
#: How many events per pixel of a lane's width are drawn one by one at most (more are counted).
MARKERS_PER_LANE_PX = 0.5
#: From how many days per stretch a crowded window is counted per calendar month (or months) instead.
MONTH_BIN_DAYS = 28
#: The most gaps a window draws (the longest first).
GAP_LIMIT = 1500
#: How many lanes the frequency chart shows one by one; the others are summed.
FREQUENCY_SERIES = 8
LEVEL_CHOICES = ("alarm", "warn", "ok", "none")


@dataclass(frozen=True)
class Options:
    """How to show events: lanes by post or person pair, the board's order, frequency period and grouping."""

    lanes: str = "post"
    period: str = "month"
    freq: str = "pair"
    order: str = "alarming"

    def args(self) -> dict[str, str]:
        defaults = Options()
        return {k: v for k, v in vars(self).items() if v != getattr(defaults, k)}


def _choice(errors: dict[str, str], name: str, allowed: Sequence[str], default: str) -> str:
    value = request.args.get(name, default) or default
    if value not in allowed:
        errors[name] = f"must be one of {', '.join(allowed)}"
        return default
    return value


def _options(errors: dict[str, str]) -> Options:
    return Options(
        lanes=_choice(errors, "lanes", events.LANES, "post"),
        period=_choice(errors, "period", PERIODS, "month"),
        freq=_choice(errors, "freq", FREQUENCY_VIEWS, "pair"),
        order=_choice(errors, "order", board.ORDERS, "alarming"),
    )


def _rows(flt: EventFilter, options: Options, *, keep: str = "") -> list[board.PairRow]:
    """The lanes shown: the board's (archived ones left out), in the order asked, grouped by dyad."""
    session = get_session()
    if keep:
        mode = "post" if is_post_pair_key(keep) else "person"
        found = board.stored_rows(session, mode, as_of=today(), keys=[keep])
        return found
    rows = board.board(session, mode=options.lanes, as_of=today(), flt=flt, order=options.order)
    # dyads in the order of their first lane, lanes within a dyad in the board's order
    first: dict[str, int] = {}
    for n, row in enumerate(rows):
        first.setdefault(row.dyad, n)
    return sorted(rows, key=lambda r: first[r.dyad])


def lane_view(row: board.PairRow) -> drawing.LaneView:
    """A board row as a lane of the timeline."""
    s = row.stats
    open_from = (
        analysis.middle(s.silence_from_certain, s.silence_from)
        if s.silence_from is not None and s.silence_from_certain is not None
        else None
    )
    return drawing.LaneView(
        key=row.key,
        label=row.label,
        dyad=row.dyad,
        level=row.alert.level,
        level_label=row.alert.label,
        reason=row.alert.reason,
        silence_label=s.silence_label,
        open_from=open_from,
        attempts_since=s.attempts_since_last,
        refusals_since=s.refusals_since_last,
        since=row.alert.since,
    )


def _date_arg(name: str, errors: dict[str, str]) -> dt.date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        errors[name] = str(exc)
        return None


def _window(rows: Sequence[board.PairRow], errors: dict[str, str], width: int = 1100) -> drawing.Window:
    """The window asked for (``start``, ``end``), else from the first contact of the lanes shown to today."""
    day = today()
    firsts = [d for r in rows for d in (r.stats.first_contact, r.stats.last_event) if d is not None]
    default_start = min(firsts) if firsts else day - dt.timedelta(days=365)
    start = _date_arg("start", errors) or default_start
    end = _date_arg("end", errors) or max(
        day, max((r.stats.last_event for r in rows if r.stats.last_event), default=day)
    )
    if end <= start:
        errors["end"] = "must be after the start"
        start, end = default_start, day
    return drawing.Window(start, end, day, width)


def window_figure(
    flt: EventFilter, options: Options, rows: Sequence[board.PairRow], window: drawing.Window
) -> dict[str, Any]:
    """The timeline figure of ``rows`` over ``window``: events one by one where they fit, else counted."""
    session = get_session()
    views = [lane_view(r) for r in rows]
    keys = [r.key for r in rows]
    mode = (
        options.lanes
        if not rows or is_post_pair_key(rows[0].key) == (options.lanes == "post")
        else ("post" if is_post_pair_key(rows[0].key) else "person")
    )
    margin = dt.timedelta(days=window.days // 20 + 1)
    start, end = window.start - margin, window.end + margin
    # no more events one by one than the lanes have room for (half a marker per pixel of each lane)
    room = max(1, int(window.width * max(1, len(keys)) * MARKERS_PER_LANE_PX))
    limit = min(int(current_app.config.get("TIMELINE_DETAIL_LIMIT", DETAIL_LIMIT)), room)
    markers: Sequence[Any] | None = None
    bins: list[drawing.Bin] | None = None
    bin_label = ""
    if not keys:
        gaps: list[tuple[str, analysis.Gap, dt.date, dt.date]] = []
    elif flt.active:
        listed = [e for e in events.list_events(session, flt=flt, lanes=mode) if e.pair_key in set(keys)]
        gaps = [
            (key, g, _mid(by_id[g.start_id]), _mid(by_id[g.end_id]))
            for key, group in analysis.by_pair(listed).items()
            for by_id in [{e.id: e for e in group}]
            for g in analysis.gaps(group)
        ]
        drawn = [e for e in listed if start <= _mid(e) <= end]
        if len(drawn) <= limit:
            markers = [_marker(e) for e in drawn]
        else:
            bin_days = _bin_days(window)
            bins = drawing.day_bins(_count_bins(drawn, window, bin_days), window.start, bin_days)
            bin_label = f"{bin_days} days"
    else:
        stored = _histograms(mode, keys)
        if stored is not None and len(stored) == len(set(keys)):
            bounds = [h.count_between(start, end) for h in stored.values()]
            lower, upper = sum(lo for lo, _ in bounds), sum(hi for _, hi in bounds)
        else:
            stored = None
        if stored is None or lower <= limit < upper:
            count = events.window_count(session, flt=None, lanes=mode, keys=keys, start=start, end=end)
        else:  # the stored counts per month settle it
            count = upper
        if count <= limit:
            markers = events.window_markers(session, flt=None, lanes=mode, keys=keys, start=start, end=end)
        else:
            bin_days = _bin_days(window)
            months = drawing.months_per_bin(bin_days)
            if stored is not None and bin_days >= MONTH_BIN_DAYS:
                by_lane = {k: h.months for k, h in stored.items()}
                bins = drawing.month_bins(by_lane, months, window.start, end)
                bin_label = f"{months} months" if months > 1 else "a month"
            else:
                counted = events.window_bins(
                    session, flt=None, lanes=mode, keys=keys, start=window.start, end=end, bin_days=bin_days
                )
                bins = drawing.day_bins(counted, window.start, bin_days)
                bin_label = f"{bin_days} days"
        wanted = set(keys)
        gaps = [
            g
            for g in lanes.lane_gaps(
                session,
                mode,
                None if len(keys) > 1 else keys[0],
                start=start,
                end=end,
                min_days=int(window.days_per_px * 3),
                limit=GAP_LIMIT,
            )
            if g[0] in wanted
        ]
    changes = [c for r in rows for c in r.changes] if mode == "post" else []
    countries = {c for r in rows for c in r.dyad.split(" – ")}
    shown_context = [
        c for c in context.list_context_events(session) if analysis.concerns(c.countries, countries)
    ]
    figure = drawing.timeline_figure(
        views,
        window,
        markers=markers,
        bins=bins,
        bin_label=bin_label,
        gaps=gaps,
        changes=changes,
        context=shown_context,
    )
    drawing.add_unobserved(figure, rhythms.periods(session), window)
    return figure


def _mid(e: analysis.ContactLike) -> dt.date:
    lo, hi = analysis.bounds_of(e)
    return analysis.middle(lo, hi)


def _marker(e: EventRow) -> events.Marker:
    lo, hi = analysis.bounds_of(e)
    return events.Marker(
        e.id,
        e.pair_key,
        analysis.middle(lo, hi),
        lo,
        hi,
        e.date,
        e.date_end,
        e.date_precision,
        e.channel,
        e.status,
        e.official_a,
        e.role_a,
        e.official_b,
        e.role_b,
        e.initiated_by,
        e.summary[:280],
        e.source_publisher,
        e.source_url,
    )


def _bin_days(window: drawing.Window) -> int:
    return max(1, round(window.days * 10 / max(200, window.width)))


def _count_bins(
    rows: Sequence[EventRow], window: drawing.Window, bin_days: int
) -> list[tuple[str, int, str, int]]:
    counts: dict[tuple[str, int, str], int] = defaultdict(int)
    for e in rows:
        counts[(e.pair_key, (_mid(e) - window.start).days // bin_days, e.status)] += 1
    return [(k, b, s, n) for (k, b, s), n in counts.items()]


def _frequency(flt: EventFilter, options: Options, rows: Sequence[board.PairRow]) -> charts.Chart | None:
    """Held contacts (or every event by status) per period, the busiest lanes one by one."""
    session = get_session()
    by = "lane" if options.freq == "pair" else "status"
    keys = {r.key for r in rows}
    found = _stored_held_per_month(flt, options, keys) if by == "lane" else None
    if found is None:
        found = events.counts_per_month(
            session, flt=flt, lanes=options.lanes, by=by, status="held" if by == "lane" else None
        )
    labels = {r.key: r.label for r in rows}
    if by == "lane":
        found = [f for f in found if f[0] in keys]
    if not found:
        return None
    totals: dict[str, int] = defaultdict(int)
    for key, _, _, n in found:
        totals[key] += n
    shown = sorted(totals, key=lambda k: -totals[k])[:FREQUENCY_SERIES] if by == "lane" else list(totals)
    series: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for key, year, month, n in found:
        start = analysis.period_start(dt.date(year, month, 1), options.period)
        name = key if key in shown else "other"
        series[name][start] += n
    if by == "status":
        order = [str(s) for s in Status]
        names = sorted(series, key=lambda k: order.index(k) if k in order else 99)
        label_of = {k: Status(k).label if k in Status._value2member_map_ else k for k in names}
        colors = charts.status_colors()
    else:
        names = [k for k in shown if k in series] + (["other"] if "other" in series else [])
        label_of = {**labels, "other": f"{len(totals) - len(shown)} other lanes"}
        colors = {}
    figure = charts.frequency_figure(
        {name: dict(series[name]) for name in names},
        label_of,
        period=options.period,
        what="held contacts" if by == "lane" else "events",
        colors=colors,
    )
    what = "Held contacts" if by == "lane" else "Events by status"
    return charts.Chart(
        id="frequency-chart",
        title=f"{what} per {options.period}",
        description=f"Bar chart of {what.lower()} per {options.period}.",
        figure=figure,
        hint="The lanes with the most held contacts one by one, the others together." if by == "lane" else "",
    )


def _histograms(mode: str, keys: Collection[str]) -> dict[str, lanes.LaneHistogram] | None:
    """``lanes.lane_histograms``, read once per request (the timeline and the frequency chart share them)."""
    memo: dict[tuple[str, frozenset[str]], Any] = g.setdefault("lane_histograms", {})
    wanted = (mode, frozenset(keys))
    if wanted not in memo:
        memo[wanted] = lanes.lane_histograms(get_session(), mode, keys)
    return cast("dict[str, lanes.LaneHistogram] | None", memo[wanted])


def _stored_held_per_month(
    flt: EventFilter, options: Options, keys: set[str]
) -> list[tuple[str, int, int, int]] | None:
    """Held contacts per (lane, year, month) of the lanes ``keys`` from their stored counts, where no
    filter but the lane itself narrows them; else None (count them in SQL)."""
    if flt.active and not (flt == EventFilter(pair=flt.pair) and flt.pair in keys and len(keys) == 1):
        return None
    stored = _histograms(options.lanes, keys)
    if stored is None:
        return None
    return [
        (key, int(month[:4]), int(month[5:7]), n)
        for key, h in stored.items()
        for month, n in h.held_months.items()
    ]


def _filter_choices() -> dict[str, Any]:
    officials = people.list_officials(get_session())
    return {
        "countries": sorted({o.country for o in officials if o.country}),
        "official_names": [o.name for o in officials],
        "channels": tuple(Channel),
        "statuses": tuple(Status),
        "periods": PERIODS,
        "orders": board.ORDERS,
    }


def _timeline_chart(figure: dict[str, Any], title: str = "Timeline") -> charts.Chart:
    return charts.Chart(
        id="timeline-chart",
        title=title,
        description="Timeline of contact events by pair; the same data is in the tables below and in the panel beside it.",
        figure=figure,
    )


def _timeline_content() -> tuple[dict[str, Any], dict[str, str]]:
    """What ``/`` shows for the request's query (the template's values), and the query's errors."""
    flt, errors = parse_filters(request.args)
    options = _options(errors)
    session = get_session()
    rows = _rows(flt, options)
    window = _window(rows, errors)
    figure = window_figure(flt, options, rows, window) if rows else None
    all_rows = rows if not flt.active else board.stored_rows(session, options.lanes, as_of=today())
    recent, shown_total = events.list_events_page(
        session, flt=flt, lanes=options.lanes, limit=10, sort="-date"
    )
    chart_list = [_timeline_chart(figure, "Timeline by pair")] if figure else []
    frequency = _frequency(flt, options, rows) if rows else None
    if frequency:
        chart_list.append(frequency)
    query: dict[str, Any] = dict(flt.query_args())
    lanes_arg: dict[str, Any] = {"lanes": options.lanes} if options.lanes != "person" else {}
    view_args: dict[str, Any] = options.args()
    content = {
        "rows": rows,
        "counts": board.level_counts(rows),
        "dyads": board.dyads(all_rows),
        "flt": flt,
        "options": options,
        "errors": errors,
        "pair_choices": sorted(((r.key, r.label) for r in all_rows), key=lambda kv: kv[1]),
        "csv_url": url_for("events.events_csv", **query),
        "json_url": url_for("api.list_events", **query, **lanes_arg),
        "browse_url": url_for("events.browse", **query),
        "data_url": url_for("timeline.timeline_json", **query, **view_args),
        "as_of": today(),
        "total": events.count_events(session),
        "shown_total": shown_total,
        "recent": recent,
        "charts": chart_list,
        "window": window,
        **_filter_choices(),
    }
    return content, errors


@bp.get("/")
def timeline() -> BaseResponse:
    """Who is silent now, since when, and who refused: the board's lanes on one timeline; filterable."""
    (content, errors), version = caching.cached("timeline", _timeline_content)
    tag = caching.page_etag(version)
    if not errors and caching.not_modified(tag):
        return caching.not_modified_response(tag)
    if errors:
        flash("Some filters were not understood and are ignored: see the messages below.", "error")
    response = make_response(render_template("timeline.html", **content), 400 if errors else 200)
    if not errors:
        caching.mark(response, tag)
    return response


@bp.get("/timeline.json")
def timeline_json() -> Response:
    """The timeline figure of a window (``start``, ``end``, ``width`` in pixels), filters as on ``/``."""
    flt, errors = parse_filters(request.args)
    options = _options(errors)
    keep = request.args.get("key", "")
    if keep and not is_pair_key(keep):
        errors["key"] = "not a pair key"
    try:
        width = min(4000, max(200, int(request.args.get("width", "1100"))))
    except ValueError:
        errors["width"] = "must be a whole number of pixels"
        width = 1100
    rows = _rows(flt, options, keep=keep if "key" not in errors else "")
    window = _window(rows, errors, width)
    if errors:
        return Response(
            charts.dumps({"error": "bad parameters", "fields": errors}),
            status=400,
            mimetype="application/json",
        )
    if keep:
        options = replace(options, lanes="post" if is_post_pair_key(keep) else "person")
    figure = window_figure(flt if not keep else EventFilter(), options, rows, window)
    return Response(charts.dumps(figure), mimetype="application/json")


# The board ----------------------------------------------------------------------------------------


@bp.get("/pairs")
def pairs() -> tuple[str, int]:
    """Who is still talking to whom: the status board of every pair, most alarming first."""
    errors: dict[str, str] = {}
    options = _options(errors)
    level = _choice(errors, "level", ("", *LEVEL_CHOICES), "")
    dyad = request.args.get("dyad", "").strip()
    archived = request.args.get("archived", "") == "1"
    session = get_session()
    everything = board.stored_rows(session, options.lanes, as_of=today())
    live = [r for r in everything if not r.archived]
    rows = board.board(
        session,
        mode=options.lanes,
        as_of=today(),
        dyad=dyad,
        level=level,
        archived=archived,
        order=options.order,
    )
    page = render_template(
        "pairs.html",
        rows=rows,
        counts=board.level_counts(live),
        archived_count=sum(r.archived for r in everything),
        dyads=board.dyads(everything),
        dyad=dyad,
        level=level,
        archived=archived,
        levels=[(lv, analysis.LEVEL_LABELS[lv]) for lv in LEVEL_CHOICES],
        orders=board.ORDERS,
        options=options,
        errors=errors,
        as_of=today(),
    )
    return page, 400 if errors else 200


def stored_pair(key: str) -> tuple[board.PairRow, str]:
    """The board row of the pair ``key`` and its mode (post or person), or a 404."""
    if not is_pair_key(key):
        abort(404, description=f"No events for the pair {key!r}.")
    mode = "post" if is_post_pair_key(key) else "person"
    found = board.stored_rows(get_session(), mode, as_of=today(), keys=[key])
    if not found:
        abort(404, description=f"No events for the pair {key!r}.")
    return found[0], mode


@bp.get("/pairs/<key>")
def pair(key: str) -> tuple[str, int]:
    """One pair: its timeline, statistics, every gap (the current silence first), responses, events."""
    row, mode = stored_pair(key)
    errors: dict[str, str] = {}
    chosen = _options(errors)
    errors.pop("lanes", None)
    return _pair_page(row, mode, replace(chosen, lanes=mode), errors, {}), 400 if errors else 200


def pair_page(
    row: board.PairRow,
    mode: str,
    *,
    schedule_errors: Mapping[str, str] | None = None,
    schedule_values: Mapping[str, str] | None = None,
    period_errors: Mapping[str, str] | None = None,
    period_values: Mapping[str, str] | None = None,
) -> str:
    """The pair page again with a form's values and errors (its expected schedule, an unobserved period)."""
    return _pair_page(
        row,
        mode,
        Options(lanes=mode),
        {},
        {},
        schedule=(schedule_values or {}, schedule_errors or {}),
        period=(period_values or {}, period_errors or {}),
    )


def _pair_page(
    row: board.PairRow,
    mode: str,
    options: Options,
    errors: dict[str, str],
    alert_errors: dict[str, str],
    *,
    schedule: tuple[Mapping[str, str], Mapping[str, str]] = ({}, {}),
    period: tuple[Mapping[str, str], Mapping[str, str]] = ({}, {}),
) -> str:
    session = get_session()
    key = row.key
    flt = EventFilter(pair=key)
    held = events.held_contacts(session, flt=flt)
    window = _window([row], errors)
    figure = window_figure(EventFilter(), options, [row], window)
    gaps = [g for _, g, _, _ in lanes.lane_gaps(session, mode, key)]
    periods = rhythms.list_periods(session, key)
    spans = [assessing.Period(p.start, p.end, p.note) for p in periods]
    # a gap's silent days run from the day after its first contact to the day before its last
    gap_unobserved = {
        (g.start, g.end): assessing.unobserved_words(
            spans,
            g.start + dt.timedelta(days=1),
            max(g.start + dt.timedelta(days=1), g.end - dt.timedelta(days=1)),
        )
        for g in gaps
    }
    silence_unobserved = (
        assessing.unobserved_words(spans, row.stats.silence_from_certain + dt.timedelta(days=1), today())
        if row.stats.silence_from_certain is not None
        else ""
    )
    this_month = assessing.month_of(today())
    schedule_values = schedule[0] or (
        {
            "kind": row.schedule.kind,
            "interval_days": str(row.schedule.interval_days or ""),
            "due_month": str(row.schedule.due_month or ""),
            "note": row.schedule.note,
        }
        if row.schedule
        else {"kind": "interval"}
    )
    countries = set(row.dyad.split(" – "))
    responses = [
        (c, analysis.response_days(c.date, held))
        for c in context.list_context_events(session)
        if analysis.concerns(c.countries, countries)
    ]
    recent, total = events.list_events_page(session, flt=flt, lanes=mode, limit=50, sort="-date")
    holders = events.side_names(session, flt=flt)
    chart_list = [_timeline_chart(figure)]
    frequency = _frequency(flt, options, [row])
    if frequency:
        chart_list.append(frequency)
    return render_template(
        "pair.html",
        key=key,
        row=row,
        gaps=list(reversed(gaps)),
        events=recent,
        event_total=total,
        responses=responses,
        holders=holders,
        options=options,
        errors=errors,
        alert_errors=alert_errors,
        alert_values=request.form if alert_errors else {},
        changes=row.changes,
        csv_url=url_for("events.events_csv", pair=key),
        browse_url=url_for("events.browse", pair=key),
        data_url=url_for("timeline.timeline_json", key=key),
        as_of=today(),
        charts=chart_list,
        gap_unobserved=gap_unobserved,
        silence_unobserved=silence_unobserved,
        periods=periods,
        period_values=period[0],
        period_errors=period[1],
        schedule_values=schedule_values,
        schedule_errors=schedule[1],
        month_names=[(str(n), calendar.month_name[n]) for n in range(1, 13)],
        assessments=assessment_store.list_line(session, key),
        this_month=this_month,
        this_month_label=assessing.month_label(this_month),
        assessment=assessment_store.get_assessment(session, key, this_month),
        date_hint=DATE_HINT,
    )


@bp.post("/pairs/<key>/alert")
def pair_alert(key: str) -> tuple[str, int] | BaseResponse:
    """Set the silence alert thresholds of one pair."""
    row, mode = stored_pair(key)
    data = {k: (v.strip() or None) for k, v in request.form.items() if k in ("warn_factor", "alarm_days")}
    try:
        item = PairAlertUpdate.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        flash("The thresholds were not saved: please correct the fields marked below.", "error")
        return _pair_page(row, mode, Options(lanes=mode), {}, field_errors(exc)), 400
    alerts.save_pair_alert(get_session(), key, item)
    alarm = f"after {item.alarm_days} days" if item.alarm_days else "past the longest gap"
    flash(
        f"Alert thresholds saved: warn past {item.warn_factor:g} × the median gap, alarm {alarm}.", "success"
    )
    return redirect(url_for("timeline.pair", key=key))


@bp.post("/pairs/<key>/archive")
def archive_pair(key: str) -> BaseResponse:
    """Take a line off the board and the alert counts (its data stays), or put it back (``restore=1``)."""
    row, _ = stored_pair(key)
    restore = request.form.get("restore") == "1"
    alerts.set_archived(get_session(), key, archived=not restore)
    if restore:
        flash(f"{row.label} is back on the board.", "success")
    else:
        flash(f"Archived {row.label}: it leaves the board and the alert counts; its events stay.", "success")
    back = request.form.get("next", "")
    safe = back.startswith("/") and not back.startswith("//") and "\\" not in back
    return redirect(back if safe else url_for("timeline.pairs"), code=303)


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
