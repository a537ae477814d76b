"""Pure: Plotly figures other than the timeline (``tracker.timeline``), and how pages carry figures.

Figures are plain dicts in Plotly's JSON shape (graph_objects validation costs too much at
the sizes pages draw). Views hand templates a list of ``Chart``: an element id, a heading, a
description for screen readers, an optional hint, and the figure.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import orjson

from tracker.vocabulary import Status

BAR_PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")
_PERIOD_WIDTH = {"month": "M1", "quarter": "M3", "year": "M12"}


def status_colors() -> dict[str, str]:
    """Each status's colour, by value."""
    return {str(s): s.color for s in Status}


def plotly_text(text: str) -> str:
    """Text for a Plotly label, legend or hover, shown as typed.

    Plotly reads ``<b>``, ``<a href>``, ``<br>`` and the like in any text as markup, so ``&``, ``<``
    and ``>`` are escaped; quotes are not, as Plotly reads back only a few named entities and would
    show ``&quot;`` as written.
    """
    return html.escape(text, quote=False)


def dumps(value: Any) -> str:
    """JSON of a figure (or any value) that is safe inside a ``<script type="application/json">`` element."""
    text = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


@dataclass(frozen=True)
class Chart:
    """A figure as a page shows it: element id, heading, what it shows (for screen readers), hint."""

    id: str
    title: str
    description: str
    figure: dict[str, Any]
    hint: str = ""

    @cached_property
    def json(self) -> str:
        """The figure's JSON for the page (worked out once: a cached page uses it again)."""
        return dumps(self.figure)


def frequency_figure(
    series: Mapping[str, Mapping[dt.date, int]],
    labels: Mapping[str, str],
    *,
    period: str = "month",
    what: str = "held contacts",
    colors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Counts per period as stacked bars, one series per key (a lane or a status); periods without any left out."""
    data: list[dict[str, Any]] = []
    largest: dict[dt.date, int] = {}
    for n, (key, counts) in enumerate(series.items()):
        starts = sorted(counts)
        for start in starts:
            largest[start] = largest.get(start, 0) + counts[start]
        # a fill pattern per series as well as a colour, so colour is not the only difference
        marker: dict[str, Any] = {"pattern": {"shape": BAR_PATTERNS[n % len(BAR_PATTERNS)]}}
        if colors and key in colors:
            marker["color"] = colors[key]
        data.append(
            {
                "type": "bar",
                "x": [s.isoformat() for s in starts],
                "y": [counts[s] for s in starts],
                "name": plotly_text(labels.get(key, key)),
                "marker": marker,
                "hovertemplate": f"%{{x|%b %Y}}: %{{y}} {plotly_text(what)}<extra>%{{fullData.name}}</extra>",
                "xperiod": _PERIOD_WIDTH[period],
                "xperiodalignment": "middle",
            }
        )
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "height": 380,
            "margin": {"l": 10, "r": 20, "t": 20, "b": 100},
            "plot_bgcolor": "#ffffff",
            "paper_bgcolor": "#ffffff",
            "legend": {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom"},
            "xaxis": {"type": "date", "title": None, "gridcolor": "#e5e7eb"},
            "yaxis": {
                "title": {"text": f"{what} per {period}"},
                "rangemode": "tozero",
                "automargin": True,
                "tickformat": "d",
                # whole numbers only: one tick per count while counts are small
                "dtick": 1 if max(largest.values(), default=0) <= 10 else None,
            },
        },
    }
