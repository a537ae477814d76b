"""Request data -> validated input models, or a message per bad field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypeVar

import arrow
from pydantic import ValidationError
from sqlmodel import SQLModel

from tracker.models import DATE_FIELDS, EVENT_FIELDS, ContextEventCreate, EventCreate

# Written forms people type, tried after ISO 8601.
DATE_FORMATS = (
    "MMMM D, YYYY",
    "MMMM D YYYY",
    "MMM D, YYYY",
    "MMM D YYYY",
    "MMM. D, YYYY",
    "D MMMM YYYY",
    "D MMM YYYY",
    "D MMM. YYYY",
    "Do MMMM YYYY",
    "MMMM Do, YYYY",
    "YYYY/MM/DD",
    "D.M.YYYY",
)
M = TypeVar("M", bound=SQLModel)

DATE_HINT = "e.g. 2022-05-19, May 19, 2022 or 19 May 2022"
CONTEXT_FIELDS = ("date", "date_end", "title", "description", "source_url", "countries")

_MESSAGES = {
    "missing": "is required",
    "string_too_short": "is required",
    "enum": "choose one of the listed options",
}


def parse_date(text: str) -> dt.date:
    """A calendar date from ISO 8601 or a common written form ("May 19, 2022", "19 May 2022")."""
    cleaned = " ".join(text.replace(",", ", ").split()).replace(" ,", ",")
    try:
        return arrow.get(cleaned, "YYYY-MM-DD").date()
    except (arrow.parser.ParserError, ValueError):
        pass
    for fmt in DATE_FORMATS:
        try:
            return arrow.get(cleaned, fmt, locale="en").date()
        except (arrow.parser.ParserError, ValueError):
            continue
    raise ValueError(f"{text!r} is not a date we can read ({DATE_HINT})")


def field_errors(exc: ValidationError) -> dict[str, str]:
    """One message per field from a validation error (the first problem of each field)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        message = str(error["msg"]).removeprefix("Value error, ")
        if not loc and ": " in message:
            # model validators name their field as "field: message"
            name, message = message.split(": ", 1)
            loc = [name]
        name = loc[0] if loc else ""
        message = _MESSAGES.get(str(error["type"]), message)
        if error["type"] == "enum" and "expected" in error.get("ctx", {}):
            message = f"must be {error['ctx']['expected']}"
        errors.setdefault(name, message)
    return errors


def _dates(
    form: Mapping[str, str], names: tuple[str, ...], required: tuple[str, ...]
) -> tuple[dict[str, dt.date | None], dict[str, str]]:
    values: dict[str, dt.date | None] = {}
    errors: dict[str, str] = {}
    for name in names:
        text = form.get(name, "").strip()
        if not text:
            if name in required:
                errors[name] = "is required"
            values[name] = None
            continue
        try:
            values[name] = parse_date(text)
        except ValueError as exc:
            errors[name] = str(exc)
    return values, errors


def parse_event_form(form: Mapping[str, str]) -> tuple[EventCreate | None, dict[str, str]]:
    """An ``EventCreate`` from the add-event form, or the errors keyed by field name.

    ``initiated_by`` arrives as ``a``, ``b`` or empty and becomes the name of that side.
    """
    data: dict[str, object] = {name: form.get(name, "").strip() for name in EVENT_FIELDS}
    required = tuple(n for n in DATE_FIELDS if EventCreate.model_fields[n].is_required())
    dates, errors = _dates(form, DATE_FIELDS, required=required)
    data.update({k: v for k, v in dates.items() if k not in errors})
    side = form.get("initiated_by", "")
    data["initiated_by"] = {"a": data["official_a"], "b": data["official_b"]}.get(side, "")
    try:
        event = EventCreate.model_validate({k: v for k, v in data.items() if k not in errors})
    except ValidationError as exc:
        for name, message in field_errors(exc).items():
            errors.setdefault(name, message)
        return None, errors
    return (None, errors) if errors else (event, {})


def parse_form(
    form: Mapping[str, str],
    model: type[M],
    fields: tuple[str, ...],
    *,
    dates: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
) -> tuple[M | None, dict[str, str]]:
    """A ``model`` from form fields (dates parsed as people type them), or the errors by field."""
    data: dict[str, object] = {name: form.get(name, "").strip() for name in fields}
    parsed, errors = _dates(form, dates, required=required)
    data.update({k: v for k, v in parsed.items() if k not in errors})
    try:
        item = model.model_validate({k: v for k, v in data.items() if k not in errors and v != ""})
    except ValidationError as exc:
        for name, message in field_errors(exc).items():
            errors.setdefault(name, message)
        return None, errors
    return (None, errors) if errors else (item, {})


def parse_context_form(form: Mapping[str, str]) -> tuple[ContextEventCreate | None, dict[str, str]]:
    """A ``ContextEventCreate`` from the context-event form, or the errors keyed by field name."""
    return parse_form(
        form, ContextEventCreate, CONTEXT_FIELDS, dates=("date", "date_end"), required=("date",)
    )
