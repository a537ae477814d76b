"""The day the tracker takes for today: UTC, or the ``AS_OF`` setting (tests, demos, looking back)."""

from __future__ import annotations

import datetime as dt

import arrow
from flask import current_app, has_app_context


def today() -> dt.date:
    """Today's date in UTC, unless the app's ``AS_OF`` setting (a date or ISO text) fixes it."""
    fixed = current_app.config.get("AS_OF") if has_app_context() else None
    if isinstance(fixed, str) and fixed:
        return dt.date.fromisoformat(fixed)
    if isinstance(fixed, dt.date):
        return fixed
    return arrow.utcnow().date()
