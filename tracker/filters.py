"""What a list of events is narrowed to, and its query-string parameters, defined once.

``EventFilter``'s fields carry their parameter's name and description; reading a query string
(``parse_filters``), writing one (``EventFilter.query_args``) and documenting the parameters
(``filter_query_model``, for the OpenAPI document) all derive from them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, get_args, get_type_hints

from pydantic import BaseModel, Field, create_model
from werkzeug.datastructures import MultiDict

from tracker.forms import parse_date
from tracker.vocabulary import Channel, Status


def _param(name: str, description: str, example: object = None) -> dict[str, object]:
    """The metadata of a filter field: its query-string name, its description, an example value for the docs."""
    return {"param": name, "description": description, "example": example}


@dataclasses.dataclass(frozen=True)
class EventFilter:
    """What to narrow a list of events to; empty fields do not narrow.

    ``pair`` is a pair key ("3:4"); ``country`` and ``official`` match either side.
    """

    date_from: dt.date | None = dataclasses.field(
        default=None,
        metadata=_param("from", "Events that end on or after this date (ISO 8601, or e.g. May 19, 2022)."),
    )
    date_to: dt.date | None = dataclasses.field(
        default=None, metadata=_param("to", "Events that start on or before this date.")
    )
    country: str = dataclasses.field(
        default="", metadata=_param("country", "Either side's country (ignoring case).")
    )
    dyad: str = dataclasses.field(
        default="",
        metadata=_param(
            "dyad", "The two countries of the pair, as the board names them (`United States – Russia`)."
        ),
    )
    official: str = dataclasses.field(
        default="", metadata=_param("official", "Either side's name (ignoring case).")
    )
    pair: str = dataclasses.field(
        default="",
        metadata=_param(
            "pair", "A pair key as the events and pairs carry it: a person pair (`3:4`) or a post pair."
        ),
    )
    channels: tuple[Channel, ...] = dataclasses.field(
        default=(),
        metadata=_param("channel", "How the contact happened; repeat or separate by commas for several."),
    )
    statuses: tuple[Status, ...] = dataclasses.field(
        default=(),
        metadata=_param(
            "status", "What came of it; repeat or separate by commas for several.", example=["held"]
        ),
    )
    q: str = dataclasses.field(
        default="", metadata=_param("q", "Words to find in the sides' names, their roles or the summary.")
    )

    def query_args(self) -> dict[str, str | list[str]]:
        """The query-string arguments that ``parse_filters`` reads back as this filter."""
        args: dict[str, str | list[str]] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not value:
                continue
            if isinstance(value, tuple):
                args[f.metadata["param"]] = [str(v) for v in value]
            elif isinstance(value, dt.date):
                args[f.metadata["param"]] = value.isoformat()
            else:
                args[f.metadata["param"]] = str(value)
        return args

    @property
    def active(self) -> bool:
        return bool(self.query_args())


_HINTS = get_type_hints(EventFilter)


def _kind(name: str) -> tuple[str, type[StrEnum] | None]:
    """How a filter field is read: ("date", None), ("text", None) or ("choices", the enum)."""
    hint = _HINTS[name]
    args = get_args(hint)
    if dt.date in args or hint is dt.date:
        return "date", None
    if args and isinstance(args[0], type) and issubclass(args[0], StrEnum):
        return "choices", args[0]
    return "text", None


#: The query-string names of the filters, in the order of ``EventFilter``.
FILTER_PARAMS: tuple[str, ...] = tuple(f.metadata["param"] for f in dataclasses.fields(EventFilter))


def parse_filters(args: Mapping[str, str] | MultiDict[str, str]) -> tuple[EventFilter, dict[str, str]]:
    """An ``EventFilter`` from query-string arguments, and a message per argument it ignored.

    Dates are read as the form reads them; choices may repeat or be separated by commas.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for f in dataclasses.fields(EventFilter):
        param = f.metadata["param"]
        kind, choices = _kind(f.name)
        if kind == "choices" and choices is not None:
            given = args.getlist(param) if isinstance(args, MultiDict) else [args.get(param, "")]
            chosen = [v for value in given for v in value.split(",") if v]
            allowed = [str(c) for c in choices]
            bad = [v for v in chosen if v not in allowed]
            if bad:
                errors[param] = f"unknown {param} {', '.join(bad)}: choose from {', '.join(allowed)}"
            values[f.name] = tuple(choices(v) for v in chosen if v in allowed)
            continue
        text = args.get(param, "").strip()
        if kind == "date" and text:
            try:
                values[f.name] = parse_date(text)
            except ValueError as exc:
                errors[param] = str(exc)
        elif kind == "text":
            values[f.name] = text
    flt = EventFilter(**values)
    if flt.date_from and flt.date_to and flt.date_to < flt.date_from:
        errors["to"] = "must not be before the start of the range"
        flt = dataclasses.replace(flt, date_to=None)
    return flt, errors


def filter_query_model() -> type[BaseModel]:
    """The filters as a pydantic model of query-string parameters, for the OpenAPI document."""
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(EventFilter):
        kind, choices = _kind(f.name)
        description, param, example = f.metadata["description"], f.metadata["param"], f.metadata["example"]
        examples = None if example is None else [example]
        if kind == "date":
            fields[f.name] = (dt.date | None, Field(default=None, alias=param, description=description))
        elif kind == "choices":
            fields[f.name] = (
                list[choices],  # type: ignore[valid-type]
                Field(default_factory=list, alias=param, description=description, examples=examples),
            )
        else:
            fields[f.name] = (str, Field(default="", alias=param, description=description))
    model: type[BaseModel] = create_model(
        "FilterQuery",
        __doc__="The timeline's filters, as query-string parameters (read by ``tracker.filters.parse_filters``).",
        **fields,
    )
    return model
