"""Pure: Plotly figures from events and analysis results (graph_objects only)."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any, Protocol

import plotly.graph_objects as go

from tracker.analysis import ContactLike, Gap, HolderChange, bounds_of

STATUS_COLORS = {
    "held": "#1a7f4b",
    "attempted": "#d97706",
    "refused": "#c0362c",
    "unknown": "#6b7280",
}
# Status is carried by fill as well as colour, so colour is never the only sign.
STATUS_FILL = {"held": "", "attempted": "-open", "refused": "-open-dot", "unknown": "-dot"}
CHANNEL_SYMBOLS = {
    "phone": "circle",
    "video": "square",
    "in_person": "diamond",
    "hotline": "star",
    "letter": "triangle-up",
    "other": "hexagon",
}
BAR_PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")
PRECISION_WORDS = {
    "day": "exact day",
    "week": "within the week starting then",
    "month": "month only",
    "approximate": "approximate",
}


class EventLike(ContactLike, Protocol):
    """What the timeline reads of an event (``tracker.queries.EventRow`` has it all)."""

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


def _symbol(channel: str, status: str) -> str:
    return CHANNEL_SYMBOLS.get(channel, "hexagon") + STATUS_FILL.get(status, "")


def _position(event: EventLike) -> dt.date:
    """Where an event's marker goes: its date when exact, else the middle of its possible days."""
    lo, hi = bounds_of(event)
    return lo + (hi - lo) / 2


def _side(name: str, role: str) -> str:
    return f"{escape(name)} ({escape(role)})" if role else escape(name)


def _date_text(event: EventLike) -> str:
    text = event.date.isoformat()
    if event.date_end:
        text += f" to {event.date_end.isoformat()}"
    return f"{text} ({PRECISION_WORDS.get(event.date_precision, event.date_precision)})"


def hover_text(event: EventLike) -> str:
    """The hover label of one event: date, sides, channel, status, summary, source."""
    lines = [
        f"<b>{_date_text(event)}</b>",
        f"{_side(event.official_a, event.role_a)} – {_side(event.official_b, event.role_b)}",
        f"{escape(event.channel.replace('_', ' '))} · {escape(event.status)}"
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
    fig = go.Figure()
    lanes = lane_order(events)
    label_of = {e.pair_key: e.pair_label for e in events}
    by_id = {e.id: e for e in events}

    # Uncertain dates and spans, under the markers.
    span_x: list[dt.date | None] = []
    span_y: list[str | None] = []
    for e in events:
        lo, hi = bounds_of(e)
        if lo != hi:
            span_x += [lo, hi, None]
            span_y += [e.pair_label, e.pair_label, None]
    if span_x:
        fig.add_trace(
            go.Scatter(
                x=span_x,
                y=span_y,
                mode="lines",
                line={"width": 10, "color": "rgba(107,114,128,0.35)"},
                name="date range (uncertain or span)",
                hoverinfo="skip",
            )
        )

    # Gaps between consecutive held contacts, labelled with their length.
    gap_x: list[dt.date | None] = []
    gap_y: list[str | None] = []
    mid_x: list[dt.date] = []
    mid_y: list[str] = []
    mid_text: list[str] = []
    mid_hover: list[str] = []
    for key, pair_gaps in gaps.items():
        label = label_of.get(key)
        if label is None:
            continue
        for g in pair_gaps:
            start, end = _position(by_id[g.start_id]), _position(by_id[g.end_id])
            gap_x += [start, end, None]
            gap_y += [label, label, None]
            mid_x.append(start + (end - start) / 2)
            mid_y.append(label)
            mid_text.append(g.label.replace("at least ", "≥").replace(", at most ", ", ≤"))
            mid_hover.append(gap_hover(g))
    if gap_x:
        fig.add_trace(
            go.Scatter(
                x=gap_x,
                y=gap_y,
                mode="lines",
                line={"width": 2, "color": "#94a3b8", "dash": "dot"},
                name="gap between held contacts",
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=mid_x,
                y=mid_y,
                mode="text",
                text=mid_text,
                textposition="top center",
                textfont={"size": 12, "color": "#334155"},
                hovertext=mid_hover,
                hovertemplate="%{hovertext}<extra></extra>",
                name="gap length",
                showlegend=False,
            )
        )

    # One trace per status; the channel sets the symbol of each marker.
    for status, color in STATUS_COLORS.items():
        chosen = [e for e in events if e.status == status]
        if not chosen:
            continue
        fig.add_trace(
            go.Scatter(
                x=[_position(e) for e in chosen],
                y=[e.pair_label for e in chosen],
                mode="markers",
                name=status,
                marker={
                    "size": 14,
                    "color": color,
                    "symbol": [_symbol(e.channel, status) for e in chosen],
                    "line": {"width": 2, "color": color},
                },
                customdata=[e.id for e in chosen],
                hovertext=[hover_text(by_id[e.id]) for e in chosen],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )

    # Changes of holder on a post pair's lane.
    shown = [c for c in changes if c.pair_key in label_of]
    if shown:
        fig.add_trace(
            go.Scatter(
                x=[c.date for c in shown],
                y=[label_of[c.pair_key] for c in shown],
                mode="markers+text",
                marker={"symbol": "line-ns", "size": 26, "line": {"width": 2, "color": "#0f766e"}},
                text=[escape(c.label) for c in shown],
                textposition="bottom center",
                textfont={"size": 11, "color": "#0f766e"},
                hovertext=[
                    f"<b>Change of holder</b><br>{escape(c.label)}<br>first seen {c.date.isoformat()}"
                    for c in shown
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                name="change of holder",
            )
        )

    # A legend entry per channel in use, drawn in neutral grey.
    for channel in sorted({e.channel for e in events}, key=list(CHANNEL_SYMBOLS).index):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=channel.replace("_", " "),
                legendgroup="channels",
                legendgrouptitle={"text": "Channel"},
                marker={"size": 12, "color": "#475569", "symbol": CHANNEL_SYMBOLS[channel]},
                hoverinfo="skip",
            )
        )

    for c in context:
        fig.add_shape(
            type="line",
            xref="x",
            yref="paper",
            x0=c.date,
            x1=c.date,
            y0=0,
            y1=1,
            line={"color": "#7c3aed", "width": 1.5, "dash": "dash"},
        )
        fig.add_annotation(
            x=c.date,
            y=1,
            xref="x",
            yref="paper",
            yanchor="bottom",
            text=f"{escape(c.title)} ({c.date.isoformat()})",
            showarrow=False,
            font={"size": 11, "color": "#5b21b6"},
            bgcolor="rgba(255,255,255,0.85)",
        )

    xs = [d for e in events for d in bounds_of(e)] + [c.date for c in context]
    first, last = min(xs), max(xs)
    pad = dt.timedelta(days=max(20, (last - first).days * 0.06))
    fig.update_layout(
        height=max(300, 230 + 90 * len(lanes)),
        margin={"l": 10, "r": 20, "t": 60, "b": 120},
        hovermode="closest",
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "groupclick": "toggleitem",
        },
        xaxis={
            "type": "date",
            "showgrid": True,
            "gridcolor": "#e5e7eb",
            "title": None,
            "range": [first - pad, last + pad * 1.5],
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": list(reversed(lanes)),
            "automargin": True,
            "fixedrange": True,
            "title": None,
        },
        dragmode="zoom",
    )
    return fig


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
