"""Pure: the timeline of a window of time, as a Plotly figure (plain dicts: it is drawn often).

One lane per pair, grouped under a header per dyad. Each lane shows its events (or, where a
window holds more than a screen can show, how many fell in each stretch of days), the gaps
between held contacts, the open silence running to today styled by the lane's alert level,
its changes of holder, and uncertain dates as a fade between their earliest and latest day.

Text goes in bands that cannot meet: a lane's title above it, gap and silence labels just above
its line, changes of holder below it, context notes and "today" above the plot. Within a band
the browser (``static/timeline.js``) shows only the labels that fit at the current zoom; every
label's trace carries in ``meta`` what it needs to decide (the span a gap label must fit in,
its priority). All values also stay in the hovers.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tracker.analysis import Gap, HolderChange, days_label
from tracker.charts import plotly_text
from tracker.vocabulary import Channel, Precision, Status

#: The tallest chart whose counted markers are drawn with WebGL: past it, Chromium's WebGL canvas
#: (4,096 px at most on many machines) draws the lanes at the bottom over the top of the chart.
GL_MAX_HEIGHT = 4000
#: Pixels of height per lane, and per dyad header.
LANE_PX = 84
HEADER_PX = 40
TOP_PX = 48  # three rows of context notes and "today" (NOTE_ROWS in timeline.js)
BOTTOM_PX = 36  # the date axis (the key to the marks is in the page, under the chart)
#: Where things sit within a lane, in lanes (1 = one lane's height) from its line.
TITLE_Y = 0.40
LABEL_Y = 0.18
CHANGE_Y = -0.28

LEVEL_COLORS = {
    "alarm": "#b91c1c",
    "warn": "#b45309",
    "ok": "#0f766e",
    "none": "#64748b",
    "archived": "#94a3b8",
}
LEVEL_DASH = {"alarm": "solid", "warn": "dash", "ok": "dot", "none": "dot", "archived": "dot"}


@dataclass(frozen=True, slots=True)
class LaneView:
    """A lane as the timeline shows it: its title, its alert, and its open silence."""

    key: str
    label: str
    dyad: str
    level: str
    level_label: str
    reason: str
    silence_label: str
    #: where the open silence starts (the last held contact as drawn), or None without one
    open_from: dt.date | None
    attempts_since: int = 0
    refusals_since: int = 0
    since: dt.date | None = None


class MarkerLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def mid(self) -> dt.date: ...
    @property
    def earliest(self) -> dt.date: ...
    @property
    def latest(self) -> dt.date: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def date_end(self) -> dt.date | None: ...
    @property
    def date_precision(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def official_a(self) -> str: ...
    @property
    def role_a(self) -> str: ...
    @property
    def official_b(self) -> str: ...
    @property
    def role_b(self) -> str: ...
    @property
    def initiated_by(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def source_publisher(self) -> str: ...


class ContextLike(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def date_end(self) -> dt.date | None: ...
    @property
    def title(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Window:
    """The stretch of time drawn, the day taken for today, and the plot's width in pixels."""

    start: dt.date
    end: dt.date
    today: dt.date
    width: int = 1100

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)

    @property
    def days_per_px(self) -> float:
        return self.days / max(200, self.width)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _words(value: str, vocabulary: type[Channel] | type[Status] | type[Precision]) -> str:
    member = vocabulary._value2member_map_.get(value)
    return str(getattr(member, "label", value.replace("_", " ")))


def _symbol(channel: str, status: str) -> str:
    shape = Channel(channel).symbol if channel in Channel._value2member_map_ else "hexagon"
    fill = Status(status).fill if status in Status._value2member_map_ else ""
    return shape + fill


def _color(status: str) -> str:
    return Status(status).color if status in Status._value2member_map_ else "#6b7280"


def _side(name: str, role: str) -> str:
    return f"{plotly_text(name)} ({plotly_text(role)})" if role else plotly_text(name)


def marker_hover(m: MarkerLike) -> str:
    """The hover of one event: date, sides, channel, status, summary, source (all text escaped)."""
    when = m.date.isoformat() + (f" to {m.date_end.isoformat()}" if m.date_end else "")
    lines = [
        f"<b>{when}</b> ({plotly_text(_words(m.date_precision, Precision))})",
        f"{_side(m.official_a, m.role_a)} – {_side(m.official_b, m.role_b)}",
        f"{plotly_text(_words(m.channel, Channel))} · {plotly_text(_words(m.status, Status))}"
        + (f" · initiated by {plotly_text(m.initiated_by)}" if m.initiated_by else ""),
    ]
    if m.summary:
        lines += [plotly_text(line) for line in textwrap.wrap(m.summary, 70)[:4]]
    lines.append(
        f"Source: {plotly_text(m.source_publisher)}" if m.source_publisher else "Source: none recorded"
    )
    lines.append("<i>Click for the details</i>")
    return "<br>".join(lines)


def marker_label(m: MarkerLike) -> str:
    """One line of plain text naming an event, for the list of events in view."""
    return (
        f"{m.date.isoformat()} · {m.official_a} – {m.official_b} · "
        f"{_words(m.channel, Channel)}, {_words(m.status, Status)}"
    )


def gap_hover(g: Gap) -> str:
    """The hover of a gap: its length, its ends, and the attempts and refusals inside it."""
    length = f"{g.min_days}-day" if g.exact else f"{g.min_days}–{g.max_days}-day"
    during = [_plural(n, w) for n, w in ((g.attempts, "attempt"), (g.refusals, "refusal")) if n]
    head = f"{' and '.join(during)} during this {length} silence" if during else f"A {length} silence"
    text = f"<b>{head}</b><br>{g.start.isoformat()} → {g.end.isoformat()}"
    if not g.exact:
        text += f"<br>{plotly_text(g.label)} (the dates at its ends are uncertain)"
    return text


def short_days(low: int, high: int) -> str:
    """A gap's length as a label on the line ("84 days", "≥80, ≤90 days")."""
    return days_label(low, high).replace("at least ", "≥").replace(", at most ", ", ≤")


# Vertical layout -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rows:
    """Where each lane's line and each dyad's header sit (in lanes, y growing upwards), and the height."""

    lanes: Mapping[str, float]
    headers: Sequence[tuple[str, float]]
    bottom: float
    height_px: int


def layout_rows(lanes: Sequence[LaneView]) -> Rows:
    """Lanes one under another in the given order, a header above the first lane of each dyad."""
    y = 0.0
    positions: dict[str, float] = {}
    headers: list[tuple[str, float]] = []
    dyad = None
    header = HEADER_PX / LANE_PX
    for lane in lanes:
        if lane.dyad != dyad:
            dyad = lane.dyad
            y -= header
            headers.append((dyad, y + header * 0.45))
        y -= 1.0
        positions[lane.key] = y + 0.45
    height = int(-y * LANE_PX) + TOP_PX + BOTTOM_PX
    return Rows(positions, headers, y, max(height, 260))


# Traces ----------------------------------------------------------------------------------------------


def _fades(markers: Sequence[MarkerLike], rows: Rows) -> list[dict[str, Any]]:
    """Uncertain dates and spans: a grey bar from the earliest to the latest day, darker towards the middle."""
    layers: list[tuple[list[Any], list[Any]]] = [([], []), ([], []), ([], [])]
    for m in markers:
        if m.earliest == m.latest:
            continue
        y = rows.lanes[m.key]
        span = m.latest - m.earliest
        for (xs, ys), inset in zip(layers, (0.0, 0.2, 0.36), strict=True):
            lo, hi = m.earliest + span * inset, m.latest - span * inset
            xs += [lo.isoformat(), hi.isoformat(), None]
            ys += [y, y, None]
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": xs,
            "y": ys,
            "line": {"width": 12, "color": f"rgba(100,116,139,{alpha})"},
            "hoverinfo": "skip",
            "showlegend": n == 0,
            "name": "uncertain date or span (darker: likelier)",
            "legendgroup": "uncertain",
        }
        for n, ((xs, ys), alpha) in enumerate(zip(layers, (0.16, 0.16, 0.22), strict=True))
        if xs
    ]


def _markers(markers: Sequence[MarkerLike], rows: Rows) -> list[dict[str, Any]]:
    """A marker per event, one trace per status (colour and fill); the channel sets the shape."""
    by_status: dict[str, list[MarkerLike]] = defaultdict(list)
    for m in markers:
        by_status[m.status].append(m)
    order = [str(s) for s in Status] + sorted(set(by_status) - {str(s) for s in Status})
    traces = []
    for status in order:
        chosen = by_status.get(status)
        if not chosen:
            continue
        color = _color(status)
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": _words(status, Status),
                "legendgroup": "status",
                "legendgrouptitle": {"text": "Status"},
                "x": [m.mid.isoformat() for m in chosen],
                "y": [rows.lanes[m.key] for m in chosen],
                "marker": {
                    "size": 14,
                    "color": color,
                    "symbol": [_symbol(m.channel, status) for m in chosen],
                    "line": {"width": 2, "color": color},
                },
                "customdata": [m.id for m in chosen],
                "hovertext": [marker_hover(m) for m in chosen],
                "hovertemplate": "%{hovertext}<extra></extra>",
                # plain text (the browser sets it as text, never as markup): the panel's list of events in view
                "meta": {"kind": "events", "labels": [marker_label(m) for m in chosen]},
            }
        )
    return traces


def _channel_legend(markers: Sequence[MarkerLike]) -> list[dict[str, Any]]:
    used = {m.channel for m in markers}
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "x": [None],
            "y": [None],
            "name": channel.label,
            "legendgroup": "channels",
            "legendgrouptitle": {"text": "Channel"},
            "marker": {"size": 12, "color": "#475569", "symbol": channel.symbol},
            "hoverinfo": "skip",
        }
        for channel in Channel
        if channel in used
    ]


#: A stretch of one lane's events counted by status: (lane key, first day, last day, status, events).
Bin = tuple[str, dt.date, dt.date, str, int]


def day_bins(counts: Sequence[tuple[str, int, str, int]], start: dt.date, bin_days: int) -> list[Bin]:
    """Counts per (lane, stretch number, status), stretch ``n`` running ``bin_days`` days from ``start + n * bin_days``."""
    found = []
    for key, index, status, n in counts:
        first = start + dt.timedelta(days=index * bin_days)
        found.append((key, first, first + dt.timedelta(days=bin_days - 1), status, n))
    return found


def months_per_bin(bin_days: int) -> int:
    """How many calendar months a stretch of about ``bin_days`` days spans (at least one)."""
    return max(1, round(bin_days / 30.44))


def month_bins(
    counts: Mapping[str, Mapping[str, Mapping[str, int]]], months: int, start: dt.date, end: dt.date
) -> list[Bin]:
    """Per-lane counts by month ("YYYY-MM" -> status -> events) summed into stretches of ``months`` months.

    Stretches are aligned on the calendar (month number since year 0 divisible by ``months``);
    only the months that meet ``start`` .. ``end`` count.
    """
    first_month = start.year * 12 + start.month - 1
    last_month = end.year * 12 + end.month - 1
    cells: dict[tuple[str, int, str], int] = defaultdict(int)
    numbers: dict[str, int] = {}
    for key, by_month in counts.items():
        for month, by_status in by_month.items():
            number = numbers.get(month)
            if number is None:
                number = numbers[month] = int(month[:4]) * 12 + int(month[5:7]) - 1
            if first_month <= number <= last_month:
                for status, n in by_status.items():
                    cells[(key, number // months, status)] += n
    found = []
    spans: dict[int, tuple[dt.date, dt.date]] = {}
    for (key, index, status), n in cells.items():
        span = spans.get(index)
        if span is None:
            lo, hi = index * months, index * months + months
            span = spans[index] = (
                dt.date(lo // 12, lo % 12 + 1, 1),
                dt.date(hi // 12, hi % 12 + 1, 1) - dt.timedelta(days=1),
            )
        found.append((key, span[0], span[1], status, n))
    return found


def _bins(bins: Sequence[Bin], rows: Rows) -> list[dict[str, Any]]:
    """Where a window holds too many events to draw, a mark per stretch of days: its size the count."""
    cells: dict[tuple[str, dt.date, dt.date], dict[str, int]] = defaultdict(dict)
    for key, first, last, status, count in bins:
        cells[(key, first, last)][status] = cells[(key, first, last)].get(status, 0) + count
    by_status: dict[str, list[tuple[str, dt.date, dt.date, dict[str, int]]]] = defaultdict(list)
    for (key, first, last), counts in cells.items():
        if key not in rows.lanes:
            continue
        main = "held" if counts.get("held") else max(counts, key=lambda s: counts[s])
        by_status[main].append((key, first, last, counts))
    traces = []
    spans: dict[tuple[dt.date, dt.date], tuple[str, str, str]] = {}
    words = {s: _words(s, Status) for counts in cells.values() for s in counts}
    for status, chosen in by_status.items():
        xs, ys, sizes, data, hovers = [], [], [], [], []
        for key, start, end, counts in chosen:
            span = spans.get((start, end))
            if span is None:
                span = spans[(start, end)] = (
                    start.isoformat(),
                    end.isoformat(),
                    (start + (end - start) / 2).isoformat(),
                )
            lo, hi, middle = span
            total = sum(counts.values())
            xs.append(middle)
            ys.append(rows.lanes[key])
            sizes.append(min(22, 6 + 3 * total**0.5))
            data.append([key, lo, hi])
            parts = ", ".join(f"{n} {words[s]}" for s, n in sorted(counts.items(), key=lambda sn: -sn[1]))
            hovers.append(
                f"<b>{lo} – {hi}</b><br>{_plural(total, 'event')}: {parts}<br><i>Click to zoom in</i>"
            )
        traces.append(
            {
                "type": "scattergl" if rows.height_px <= GL_MAX_HEIGHT else "scatter",
                "mode": "markers",
                "name": f"{_words(status, Status)} (many: zoom in)",
                "legendgroup": "status",
                "x": xs,
                "y": ys,
                "marker": {"size": sizes, "color": _color(status), "opacity": 0.75, "symbol": "square"},
                "customdata": data,
                "hovertext": hovers,
                "hovertemplate": "%{hovertext}<extra></extra>",
                "meta": {"kind": "bins"},
            }
        )
    return traces


def _gaps(gaps: Sequence[tuple[str, Gap, dt.date, dt.date]], rows: Rows) -> list[dict[str, Any]]:
    """Dotted lines between held contacts, and label candidates for their lengths (shown where they fit)."""
    line_x: list[Any] = []
    line_y: list[Any] = []
    label_x, label_y, texts, hovers, lo, hi, priority = [], [], [], [], [], [], []
    for key, g, start, end in gaps:
        y = rows.lanes.get(key)
        if y is None:
            continue
        line_x += [start.isoformat(), end.isoformat(), None]
        line_y += [y, y, None]
        label_x.append((start + (end - start) / 2).isoformat())
        label_y.append(y + LABEL_Y)
        texts.append(short_days(g.min_days, g.max_days))
        hovers.append(gap_hover(g))
        lo.append(start.isoformat())
        hi.append(end.isoformat())
        priority.append(g.max_days)
    if not line_x:
        return []
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "x": line_x,
            "y": line_y,
            "line": {"width": 2, "color": "#94a3b8", "dash": "dot"},
            "name": "gap between held contacts",
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "text",
            "x": label_x,
            "y": label_y,
            "text": texts,
            "textposition": "middle center",
            "textfont": {"size": 12, "color": "#334155"},
            "hovertext": hovers,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
            "name": "gap length",
            "meta": {
                "kind": "labels",
                "band": "label",
                "text": texts,
                "lo": lo,
                "hi": hi,
                "priority": priority,
            },
        },
    ]


def _open_silences(lanes: Sequence[LaneView], window: Window, rows: Rows) -> list[dict[str, Any]]:
    """Each lane's silence from its last held contact to today, styled by its alert level, and its label."""
    end = min(window.today, window.end) if window.end >= window.today else window.end
    by_level: dict[str, tuple[list[Any], list[Any]]] = defaultdict(lambda: ([], []))
    label_x, label_y, texts, hovers, lo, hi, priority = [], [], [], [], [], [], []
    for lane in lanes:
        y = rows.lanes[lane.key]
        if lane.open_from is None or lane.open_from > window.end:
            continue
        start = max(lane.open_from, window.start)
        finish = max(start, end)
        xs, ys = by_level[lane.level]
        xs += [start.isoformat(), finish.isoformat(), None]
        ys += [y, y, None]
        text = f"{lane.silence_label.replace('at least ', '≥').replace(', at most ', ', ≤')} and counting"
        since = [
            _plural(n, w)
            for n, w in ((lane.attempts_since, "attempt"), (lane.refusals_since, "refusal"))
            if n
        ]
        hover = f"<b>{plotly_text(lane.level_label)}: silent {plotly_text(lane.silence_label)}</b><br>{plotly_text(lane.reason)}"
        if lane.since:
            hover += f"<br>{plotly_text(lane.level_label)} since {lane.since.isoformat()}"
        hover += "<br>" + (
            f"{' and '.join(since)} since the last contact" if since else "no attempts or refusals since"
        )
        label_x.append((start + (finish - start) / 2).isoformat())
        label_y.append(y + LABEL_Y)
        texts.append(text)
        hovers.append(hover)
        lo.append(start.isoformat())
        hi.append(finish.isoformat())
        priority.append(10**9)  # an open silence's label goes before any gap's
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": xs,
            "y": ys,
            "line": {
                "width": 4 if level in ("alarm", "warn") else 2,
                "color": LEVEL_COLORS[level],
                "dash": LEVEL_DASH[level],
            },
            "name": f"silence now ({level_name})",
            "legendgroup": "silence",
            "hoverinfo": "skip",
        }
        for level, (xs, ys) in by_level.items()
        for level_name in [
            {"alarm": "alarm", "warn": "warning", "ok": "normal", "none": "no baseline"}.get(level, level)
        ]
    ]
    if texts:
        traces.append(
            {
                "type": "scatter",
                "mode": "text",
                "x": label_x,
                "y": label_y,
                "text": texts,
                "textposition": "middle center",
                "textfont": {"size": 12, "color": "#7f1d1d"},
                "hovertext": hovers,
                "hovertemplate": "%{hovertext}<extra></extra>",
                "showlegend": False,
                "name": "current silence",
                "meta": {
                    "kind": "labels",
                    "band": "label",
                    "text": texts,
                    "lo": lo,
                    "hi": hi,
                    "priority": priority,
                    "open": True,
                },
            }
        )
    return traces


def _changes(changes: Sequence[HolderChange], window: Window, rows: Rows) -> list[dict[str, Any]]:
    """A tick where a side of a lane has a new holder, and the change as a label below the lane."""
    shown = [c for c in changes if c.pair_key in rows.lanes and window.start <= c.date <= window.end]
    if not shown:
        return []
    xs = [c.date.isoformat() for c in shown]
    texts = [plotly_text(c.label) for c in shown]
    return [
        {
            "type": "scatter",
            "mode": "markers",
            "x": xs,
            "y": [rows.lanes[c.pair_key] for c in shown],
            "marker": {"symbol": "line-ns", "size": 22, "line": {"width": 2, "color": "#0f766e"}},
            "name": "change of holder",
            "hovertext": [
                f"<b>Change of holder</b><br>{plotly_text(c.label)}<br>from {c.date.isoformat()} (first contact {c.seen.isoformat()})"
                for c in shown
            ],
            "hovertemplate": "%{hovertext}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "text",
            "x": xs,
            "y": [rows.lanes[c.pair_key] + CHANGE_Y for c in shown],
            "text": texts,
            "textposition": "middle center",
            "textfont": {"size": 11, "color": "#0f766e"},
            "hoverinfo": "skip",
            "showlegend": False,
            "name": "change of holder label",
            "meta": {
                "kind": "labels",
                "band": "change",
                "text": texts,
                "lo": xs,
                "hi": xs,
                "priority": [1] * len(xs),
                "free": True,
            },
        },
    ]


def _titles(lanes: Sequence[LaneView], rows: Rows) -> list[dict[str, Any]]:
    """Dyad headers and lane titles as notes above each lane (the browser shortens those too wide)."""
    notes: list[dict[str, Any]] = []
    for dyad, y in rows.headers:
        notes.append(
            {
                "xref": "paper",
                "x": 0,
                "xanchor": "left",
                "y": y,
                "yref": "y",
                "text": f"<b>{plotly_text(dyad.upper())}</b>",
                "showarrow": False,
                "font": {"size": 12, "color": "#1e293b"},
                "bgcolor": "rgba(255,255,255,0.85)",
                "name": "dyad",
            }
        )
    for lane in lanes:
        y = rows.lanes[lane.key] + TITLE_Y
        color = LEVEL_COLORS[lane.level]
        # the level and the current silence stay whole; the browser shortens the lane's name if need be
        silence = f"silent {lane.silence_label}" if lane.open_from else lane.silence_label
        text = (
            f"<span style='color:{color}'><b>{plotly_text(lane.level_label)} · {plotly_text(silence)}</b></span>"
            f" · {plotly_text(lane.label)}"
        )
        notes.append(
            {
                "xref": "paper",
                "x": 0,
                "xanchor": "left",
                "y": y,
                "yref": "y",
                "text": text,
                "showarrow": False,
                "font": {"size": 12, "color": "#0f172a"},
                "bgcolor": "rgba(255,255,255,0.85)",  # context lines pass behind a lane's name
                # no hover text: a note with one takes the pointer, and wheel and drag would stop on it
                # (the reason is in the hover of the lane's open silence)
                "name": f"lane:{lane.key}",
            }
        )
    return notes


class PeriodLike(Protocol):
    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date | None: ...
    @property
    def note(self) -> str: ...


def add_unobserved(
    figure: dict[str, Any], periods: Mapping[str, Sequence[PeriodLike]], window: Window
) -> None:
    """Grey bands on each lane over its unobserved periods (a side did not disclose contacts), labelled."""
    layout = figure["layout"]
    for lane in layout["meta"]["lanes"]:
        y = lane["y"]
        for p in periods.get(lane["key"], ()):
            end = p.end or window.today
            if end < window.start or p.start > window.end:
                continue
            layout["shapes"].append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "y",
                    "x0": p.start.isoformat(),
                    "x1": end.isoformat(),
                    "y0": y - 0.3,
                    "y1": y + 0.3,
                    "fillcolor": "rgba(100,116,139,0.16)",
                    "line": {"width": 1, "color": "rgba(100,116,139,0.45)", "dash": "dot"},
                    "layer": "below",
                }
            )
            layout["annotations"].append(
                {
                    "x": max(p.start, window.start).isoformat(),
                    "y": y - 0.3,
                    "xref": "x",
                    "yref": "y",
                    "xanchor": "left",
                    "yanchor": "top",
                    "text": "unobserved",
                    "hovertext": plotly_text(
                        f"unobserved {p.start.isoformat()} – {end.isoformat()}: {p.note}"
                    ),
                    "showarrow": False,
                    "font": {"size": 10, "color": "#475569"},
                    "name": "unobserved",
                }
            )


def _context(
    context: Sequence[ContextLike], window: Window, today_note: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Context events as dashed lines (or shaded spans) with notes above the plot, and the today line."""
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for c in context:
        end = c.date_end or c.date
        if end < window.start or c.date > window.end:
            continue
        if c.date_end and c.date_end > c.date:
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": c.date.isoformat(),
                    "x1": c.date_end.isoformat(),
                    "y0": 0,
                    "y1": 1,
                    "fillcolor": "rgba(124,58,237,0.07)",
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": c.date.isoformat(),
                "x1": c.date.isoformat(),
                "y0": 0,
                "y1": 1,
                "line": {"color": "#7c3aed", "width": 1.5, "dash": "dash"},
                "layer": "below",  # under the marks and their labels
            }
        )
        span = f"{c.date.isoformat()} – {c.date_end.isoformat()}" if c.date_end else c.date.isoformat()
        notes.append(
            {
                "x": c.date.isoformat(),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "text": plotly_text(c.title),
                "hovertext": f"{plotly_text(c.title)} ({span})",
                "showarrow": False,
                "font": {"size": 11, "color": "#5b21b6"},
                "name": "context",
            }
        )
    if today_note and window.start <= window.today <= window.end:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": window.today.isoformat(),
                "x1": window.today.isoformat(),
                "y0": 0,
                "y1": 1,
                "line": {"color": "#0f172a", "width": 1.5},
                "layer": "below",
            }
        )
        notes.append(
            {
                "x": window.today.isoformat(),
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "text": f"<b>today {window.today.isoformat()}</b>",
                "showarrow": False,
                "font": {"size": 11, "color": "#0f172a"},
                "name": "today",
            }
        )
    return shapes, notes


#: How the key under the chart draws Plotly's marker symbols.
GLYPHS = {
    "circle": "●",
    "square": "■",
    "diamond": "◆",
    "star": "★",
    "triangle-up": "▲",
    "hexagon": "⬢",
    "pentagon": "⬟",
    "hexagram": "✶",
    "cross": "✚",
    "x": "✖",
    "bowtie": "⋈",
    "hourglass": "⧗",
    "triangle-down": "▼",
    "star-square": "✦",
}
FILL_GLYPHS = {"": "●", "-open": "○", "-open-dot": "⊙", "-dot": "◉"}


def key_items() -> dict[str, list[tuple[str, str, str]]]:
    """The key to the timeline's marks: (glyph, colour, words) for statuses, channels and lines."""
    return {
        "status": [(FILL_GLYPHS.get(s.fill, "○"), s.color, s.label) for s in Status],
        "channel": [(GLYPHS.get(c.symbol, "●"), "#475569", c.label) for c in Channel],
        "silence": [
            ("━", LEVEL_COLORS["alarm"], "silence now: alarm"),
            ("╍", LEVEL_COLORS["warn"], "silence now: warning"),
            ("┈", LEVEL_COLORS["ok"], "silence now: normal"),
            ("┈", "#94a3b8", "gap between held contacts"),
            ("▬", "rgba(100,116,139,0.45)", "uncertain date (darker: likelier)"),
            ("│", "#0f766e", "change of holder"),
            ("┆", "#7c3aed", "context event"),
            ("▭", "#64748b", "unobserved period"),
        ],
    }


def timeline_figure(
    lanes: Sequence[LaneView],
    window: Window,
    *,
    markers: Sequence[MarkerLike] | None = None,
    bins: Sequence[Bin] | None = None,
    bin_label: str = "",
    gaps: Sequence[tuple[str, Gap, dt.date, dt.date]] = (),
    changes: Sequence[HolderChange] = (),
    context: Sequence[ContextLike] = (),
) -> dict[str, Any]:
    """The timeline of ``lanes`` over ``window``: events one by one (``markers``) or counted (``bins``)."""
    rows = layout_rows(lanes)
    data: list[dict[str, Any]] = []
    if markers is not None:
        data += _fades(markers, rows)
    data += _gaps(gaps, rows)
    data += _open_silences(lanes, window, rows)
    if markers is not None:
        data += _markers(markers, rows)
    if bins is not None:
        data += _bins(bins, rows)
    data += _changes(changes, window, rows)
    if markers is not None:
        data += _channel_legend(markers)
    shapes, notes = _context(context, window, today_note=True)
    pad = dt.timedelta(days=max(2, window.days // 60))
    return {
        "data": data,
        "layout": {
            "height": rows.height_px,
            "margin": {"l": 8, "r": 16, "t": TOP_PX, "b": BOTTOM_PX},
            "hovermode": "closest",
            "hoverdistance": 12,
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "#ffffff",
            "showlegend": False,
            "xaxis": {
                "type": "date",
                "range": [(window.start - pad).isoformat(), (window.end + pad).isoformat()],
                "showgrid": True,
                "gridcolor": "#eef2f7",
                "title": None,
                "automargin": False,
            },
            "yaxis": {
                "range": [rows.bottom - 0.05, 0.05],
                "showticklabels": False,
                "showgrid": False,
                "zeroline": False,
                "fixedrange": True,
                "title": None,
            },
            "dragmode": "pan",
            "shapes": shapes,
            "annotations": _titles(lanes, rows) + notes,
            "meta": {
                "window": {
                    "start": window.start.isoformat(),
                    "end": window.end.isoformat(),
                    "today": window.today.isoformat(),
                },
                "lanes": [
                    {
                        "key": lane.key,
                        "label": lane.label,
                        "y": rows.lanes[lane.key],
                        "level": lane.level,
                        "silence": lane.silence_label,
                        "open": lane.open_from is not None and lane.open_from <= window.end,
                    }
                    for lane in lanes
                ],
                "detail": markers is not None,
                "bin_label": bin_label if bins is not None else None,
            },
        },
    }
