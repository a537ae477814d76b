"""Pure: Plotly figures from events and analysis results (graph_objects only).

The timeline is assembled from small trace builders (spans, gaps, events by status, changes of
holder, the channel legend, context lines), each usable and testable on its own. Views hand
templates a list of ``Chart``: an element id, a heading, a description and the figure.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol

import plotly.graph_objects as go

from tracker.analysis import ContactLike, Gap, HolderChange, bounds_of
from tracker.vocabulary import Channel, Precision, Status

BAR_PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")
#: Marker of a stored value that is no longer a channel or status.
FALLBACK_SYMBOL = "hexagon"
FALLBACK_COLOR = "#6b7280"


def status_colors() -> dict[str, str]:
    """Each status's colour, by value."""
    return {str(s): s.color for s in Status}


class EventLike(ContactLike, Protocol):
    """What the timeline reads of an event (``tracker.store.events.EventRow`` has it all)."""

    @property
    def official_a(self) -> str: ...
    @property
    def role_a(self) -> str: ...
    @property
    def official_b(self) -> str: ...
    @property
    def role_b(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def initiated_by(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def source_publisher(self) -> str: ...
    @property
    def source_url(self) -> str: ...
    @property
    def pair_label(self) -> str: ...


class ContextLike(Protocol):
    @property
    def date(self) -> dt.date: ...
    @property
    def title(self) -> str: ...


@dataclass(frozen=True)
class Chart:
    """A figure as a page shows it: element id, heading, what it shows (for screen readers), hint."""

    id: str
    title: str
    description: str
    figure: go.Figure
    hint: str = ""

    @property
    def json(self) -> str:
        return script_json(self.figure)


def symbol(channel: str, status: str) -> str:
    """The marker symbol of an event: its channel's shape with its status's fill."""
    shape = Channel(channel).symbol if channel in Channel._value2member_map_ else FALLBACK_SYMBOL
    fill = Status(status).fill if status in Status._value2member_map_ else ""
    return shape + fill


def _position(event: ContactLike) -> dt.date:
    """Where an event's marker goes: its date when exact, else the middle of its possible days."""
    lo, hi = bounds_of(event)
    return lo + (hi - lo) / 2


def _side(name: str, role: str) -> str:
    return f"{escape(name)} ({escape(role)})" if role else escape(name)


def _words(value: str, vocabulary: type[Channel] | type[Status] | type[Precision]) -> str:
    member = vocabulary._value2member_map_.get(value)
    return str(getattr(member, "label", value.replace("_", " ")))


def _date_text(event: EventLike) -> str:
    text = event.date.isoformat()
    if event.date_end:
        text += f" to {event.date_end.isoformat()}"
    return f"{text} ({_words(event.date_precision, Precision)})"


def hover_text(event: EventLike) -> str:
    """The hover label of one event: date, sides, channel, status, summary, source."""
    lines = [
        f"<b>{_date_text(event)}</b>",
        f"{_side(event.official_a, event.role_a)} – {_side(event.official_b, event.role_b)}",
        f"{escape(_words(event.channel, Channel))} · {escape(_words(event.status, Status))}"
        + (f" · initiated by {escape(event.initiated_by)}" if event.initiated_by else ""),
    ]
    if event.summary:
        lines += [escape(line) for line in textwrap.wrap(event.summary, 70)[:6]]
    source = event.source_publisher or event.source_url
    lines.append(f"Source: {escape(source)}" if source else "Source: none recorded")
    return "<br>".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def gap_hover(g: Gap) -> str:
    """The hover label of a gap: its length, ends, and the attempts and refusals inside it."""
    length = f"{g.min_days}-day" if g.exact else f"{g.min_days}–{g.max_days}-day"
    during = [_plural(n, w) for n, w in ((g.attempts, "attempt"), (g.refusals, "refusal")) if n]
    head = f"{' and '.join(during)} during this {length} silence" if during else f"A {length} silence"
    text = f"<b>{head}</b><br>{g.start.isoformat()} → {g.end.isoformat()}"
    if not g.exact:
        text += f"<br>{escape(g.label)} (the dates at its ends are uncertain)"
    return text


def lane_order(events: Sequence[EventLike]) -> list[str]:
    """Lane labels, the pair with the most recent event first."""
    latest: dict[str, dt.date] = {}
    for e in events:
        latest[e.pair_label] = max(latest.get(e.pair_label, e.date), e.date)
    return sorted(latest, key=lambda label: (latest[label], label), reverse=True)


# Trace builders of the timeline ------------------------------------------------------------------


def span_trace(events: Sequence[EventLike]) -> go.Scatter | None:
    """A grey bar from the earliest to the latest possible day of each uncertain event or span."""
    xs: list[dt.date | None] = []
    ys: list[str | None] = []
    for e in events:
        lo, hi = bounds_of(e)
        if lo != hi:
            xs += [lo, hi, None]
            ys += [e.pair_label, e.pair_label, None]
    if not xs:
        return None
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"width": 10, "color": "rgba(107,114,128,0.35)"},
        name="date range (uncertain or span)",
        hoverinfo="skip",
    )


def gap_traces(events: Sequence[EventLike], gaps: Mapping[str, Sequence[Gap]]) -> list[go.Scatter]:
    """Dotted lines between consecutive held contacts, and a label of each gap's length in its middle.

    ``gaps`` maps a pair key to its gaps (``tracker.analysis.gaps``).
    """
    label_of = {e.pair_key: e.pair_label for e in events}
    by_id = {e.id: e for e in events}
    line_x: list[dt.date | None] = []
    line_y: list[str | None] = []
    mid_x: list[dt.date] = []
    mid_y: list[str] = []
    texts: list[str] = []
    hovers: list[str] = []
    for key, pair_gaps in gaps.items():
        label = label_of.get(key)
        if label is None:
            continue
        for g in pair_gaps:
            start, end = _position(by_id[g.start_id]), _position(by_id[g.end_id])
            line_x += [start, end, None]
            line_y += [label, label, None]
            mid_x.append(start + (end - start) / 2)
            mid_y.append(label)
            texts.append(g.label.replace("at least ", "≥").replace(", at most ", ", ≤"))
            hovers.append(gap_hover(g))
    if not line_x:
        return []
    return [
        go.Scatter(
            x=line_x,
            y=line_y,
            mode="lines",
            line={"width": 2, "color": "#94a3b8", "dash": "dot"},
            name="gap between held contacts",
            hoverinfo="skip",
        ),
        go.Scatter(
            x=mid_x,
            y=mid_y,
            mode="text",
            text=texts,
            textposition="top center",
            textfont={"size": 12, "color": "#334155"},
            hovertext=hovers,
            hovertemplate="%{hovertext}<extra></extra>",
            name="gap length",
            showlegend=False,
        ),
    ]


def status_traces(events: Sequence[EventLike]) -> list[go.Scatter]:
    """A marker per event, one trace per status (its colour and fill); the channel sets the shape."""
    traces = []
    known = {str(s) for s in Status}
    groups: list[tuple[str, str, list[EventLike]]] = [
        (str(s), s.color, [e for e in events if e.status == s]) for s in Status
    ]
    others = [e for e in events if e.status not in known]
    if others:
        groups.append(("other status", FALLBACK_COLOR, others))
    for name, color, chosen in groups:
        if not chosen:
            continue
        traces.append(
            go.Scatter(
                x=[_position(e) for e in chosen],
                y=[e.pair_label for e in chosen],
                mode="markers",
                name=name,
                marker={
                    "size": 14,
                    "color": color,
                    "symbol": [symbol(e.channel, e.status) for e in chosen],
                    "line": {"width": 2, "color": color},
                },
                customdata=[e.id for e in chosen],
                hovertext=[hover_text(e) for e in chosen],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    return traces


def holder_change_trace(events: Sequence[EventLike], changes: Sequence[HolderChange]) -> go.Scatter | None:
    """A tick where the holders of a post pair's lane change, labelled "old → new"."""
    label_of = {e.pair_key: e.pair_label for e in events}
    shown = [c for c in changes if c.pair_key in label_of]
    if not shown:
        return None
    return go.Scatter(
        x=[c.date for c in shown],
        y=[label_of[c.pair_key] for c in shown],
        mode="markers+text",
        marker={"symbol": "line-ns", "size": 26, "line": {"width": 2, "color": "#0f766e"}},
        text=[escape(c.label) for c in shown],
        textposition="bottom center",
        textfont={"size": 11, "color": "#0f766e"},
        hovertext=[
            f"<b>Change of holder</b><br>{escape(c.label)}<br>first seen {c.date.isoformat()}" for c in shown
        ],
        hovertemplate="%{hovertext}<extra></extra>",
        name="change of holder",
    )


def channel_legend_traces(events: Sequence[EventLike]) -> list[go.Scatter]:
    """A legend entry per channel in use, drawn in neutral grey (the markers' shapes)."""
    used = {e.channel for e in events}
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=channel.label,
            legendgroup="channels",
            legendgrouptitle={"text": "Channel"},
            marker={"size": 12, "color": "#475569", "symbol": channel.symbol},
            hoverinfo="skip",
        )
        for channel in Channel
        if channel in used
    ]


def context_marks(context: Sequence[ContextLike]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A dashed line and a note at the top for each context event: (shapes, annotations)."""
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": c.date,
            "x1": c.date,
            "y0": 0,
            "y1": 1,
            "line": {"color": "#7c3aed", "width": 1.5, "dash": "dash"},
        }
        for c in context
    ]
    notes = [
        {
            "x": c.date,
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "yanchor": "bottom",
            "text": f"{escape(c.title)} ({c.date.isoformat()})",
            "showarrow": False,
            "font": {"size": 11, "color": "#5b21b6"},
            "bgcolor": "rgba(255,255,255,0.85)",
        }
        for c in context
    ]
    return shapes, notes


def timeline_layout(events: Sequence[EventLike], context: Sequence[ContextLike]) -> dict[str, Any]:
    """The layout of a timeline: one category lane per pair, a date axis padded around the events."""
    lanes = lane_order(events)
    xs = [d for e in events for d in bounds_of(e)] + [c.date for c in context]
    first, last = min(xs), max(xs)
    pad = dt.timedelta(days=max(20, (last - first).days * 0.06))
    return {
        "height": max(300, 230 + 90 * len(lanes)),
        "margin": {"l": 10, "r": 20, "t": 60, "b": 120},
        "hovermode": "closest",
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "groupclick": "toggleitem",
        },
        "xaxis": {
            "type": "date",
            "showgrid": True,
            "gridcolor": "#e5e7eb",
            "title": None,
            "range": [first - pad, last + pad * 1.5],
        },
        "yaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(reversed(lanes)),
            "automargin": True,
            "fixedrange": True,
            "title": None,
        },
        "dragmode": "zoom",
    }


def timeline_figure(
    events: Sequence[EventLike],
    gaps: Mapping[str, Sequence[Gap]],
    context: Sequence[ContextLike] = (),
    changes: Sequence[HolderChange] = (),
) -> go.Figure:
    """One lane per pair: a marker per event, gaps between held contacts, context lines.

    ``gaps`` maps a pair key to its gaps (``tracker.analysis.gaps``). Events whose date is
    uncertain or a span get a bar from their earliest to their latest possible day.
    """
    spans = span_trace(events)
    change = holder_change_trace(events, changes)
    traces = [
        *([spans] if spans else []),
        *gap_traces(events, gaps),
        *status_traces(events),
        *([change] if change else []),
        *channel_legend_traces(events),
    ]
    shapes, notes = context_marks(context)
    fig = go.Figure(data=traces)
    fig.update_layout(timeline_layout(events, context), shapes=shapes, annotations=notes)
    return fig


# Frequency ---------------------------------------------------------------------------------------


def _largest_stack(series: Mapping[str, Sequence[int]]) -> int:
    return max((sum(column) for column in zip(*series.values(), strict=True)), default=0)


def frequency_figure(
    starts: Sequence[dt.date],
    series: Mapping[str, Sequence[int]],
    labels: Mapping[str, str],
    *,
    period: str = "month",
    what: str = "held contacts",
    colors: Mapping[str, str] | None = None,
) -> go.Figure:
    """Counts per period as stacked bars, one series per key of ``series`` (a pair or a status)."""
    fig = go.Figure()
    for n, (key, values) in enumerate(series.items()):
        # a fill pattern per series as well as a colour, so colour is not the only difference
        marker: dict[str, Any] = {"pattern": {"shape": BAR_PATTERNS[n % len(BAR_PATTERNS)]}}
        if colors and key in colors:
            marker["color"] = colors[key]
        fig.add_trace(
            go.Bar(
                x=list(starts),
                y=list(values),
                name=labels.get(key, key),
                marker=marker,
                hovertemplate=f"%{{x|%b %Y}}: %{{y}} {escape(what)}<extra>%{{fullData.name}}</extra>",
                xperiod={"month": "M1", "quarter": "M3", "year": "M12"}[period],
                xperiodalignment="middle",
            )
        )
    fig.update_layout(
        barmode="stack",
        height=380,
        margin={"l": 10, "r": 20, "t": 20, "b": 100},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
        xaxis={"type": "date", "title": None, "gridcolor": "#e5e7eb"},
        yaxis={
            "title": f"{what} per {period}",
            "rangemode": "tozero",
            "automargin": True,
            "tickformat": "d",
            # whole numbers only: one tick per count while counts are small
            "dtick": 1 if _largest_stack(series) <= 10 else None,
        },
    )
    return fig


def script_json(fig: go.Figure) -> str:
    """A figure as JSON that is safe inside a ``<script type="application/json">`` element."""
    text: str = fig.to_json()
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text
