"""The HTML pages, a blueprint per area: ``timeline`` (the timeline, pairs and a pair), ``events``
(record, view, edit, delete and download events), ``context``, ``officials`` (officials, posts,
tenures), ``imports`` (CSV upload), ``drafts`` (contacts drafted from an article), ``accounts`` (logging in,
API tokens, users), ``feeds`` (Atom), ``watches`` (watches and their deliveries), ``assessments``
(monthly assessments of lines, a pair's schedule and blind spots) and ``site`` (error pages, plotly.js,
what every page needs).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every page blueprint."""
    from tracker.pages import (
        accounts,
        assessments,
        context,
        drafts,
        events,
        feeds,
        imports,
        officials,
        site,
        timeline,
        watches,
    )

    for area in (
        site,
        accounts,
        timeline,
        events,
        context,
        officials,
        imports,
        drafts,
        feeds,
        assessments,
        watches,
    ):
        area.init_app(app)
