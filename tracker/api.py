"""The JSON API under ``/api``: events, officials and pairs, its OpenAPI document and its docs page.

Writes go through the same input model (``EventCreate``) and the same ``queries`` functions as
the form. Every error is JSON (``ErrorBody``) with a status that says what went wrong. The
OpenAPI document is generated from the pydantic models below and the app's URL map.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import arrow
from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from markupsafe import Markup, escape
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic.json_schema import models_json_schema
from werkzeug.exceptions import BadRequest, HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Rule

from tracker import analysis, csrf, queries
from tracker.db import get_session
from tracker.forms import FILTER_FIELDS, field_errors, parse_filters
from tracker.models import Channel, EventCreate, EventPublic, Status

bp = Blueprint("api", __name__, url_prefix="/api")

API_VERSION = "1.0"
REF_TEMPLATE = "#/components/schemas/{model}"
#: The largest event id a URL can name (a 32-bit integer column); larger ids are simply not found.
MAX_ID = 2**31 - 1
EVENT_URL = f"/events/<int(max={MAX_ID}):event_id>"

# Models of the query strings, the bodies and the answers -----------------------------------

Lanes = Literal["person", "post"]


class FilterQuery(BaseModel):
    """The timeline's filters, as query-string parameters (read by ``tracker.forms.parse_filters``)."""

    date_from: dt.date | None = Field(
        default=None,
        alias="from",
        description="Events that end on or after this date (ISO 8601, or e.g. May 19, 2022).",
    )
    date_to: dt.date | None = Field(
        default=None, alias="to", description="Events that start on or before this date."
    )
    country: str = Field(default="", description="Either side's country (ignoring case).")
    official: str = Field(default="", description="Either side's name (ignoring case).")
    pair: str = Field(
        default="",
        description="A pair key as the events and pairs carry it: a person pair (`3:4`) or a post pair.",
    )
    channel: list[Channel] = Field(
        default_factory=list,
        description="How the contact happened; repeat or separate by commas for several.",
    )
    status: list[Status] = Field(
        default_factory=list,
        description="What came of it; repeat or separate by commas for several.",
        examples=[["held"]],
    )


class PageQuery(BaseModel):
    """Which page of the list, and how its pairs are keyed."""

    model_config = ConfigDict(extra="forbid")

    page: int = Field(default=1, ge=1, le=1_000_000, description="The page to return, from 1.")
    per_page: int = Field(
        default=100, ge=1, le=1000, description="Events per page (at most 1000).", examples=[10]
    )
    lanes: Lanes = Field(
        default="person",
        description="Key each event's pair by the two persons, or by the posts they held on its date.",
    )


class PairQuery(BaseModel):
    """When the current silences are measured, and how pairs are keyed."""

    model_config = ConfigDict(extra="forbid")

    as_of: dt.date | None = Field(
        default=None, description="The day current silences run to (ISO 8601); today (UTC) when absent."
    )
    lanes: Lanes = Field(
        default="person",
        description="Pairs of persons (Austin – Shoigu), or of posts, which run across changes of holder.",
    )


class ErrorBody(BaseModel):
    """What every error answer carries: what went wrong, and a message per bad field or parameter."""

    error: str = Field(description="What went wrong, in a sentence.")
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="A message per bad body field or query-string parameter (may be empty).",
    )


class EventPage(BaseModel):
    """One page of events in date order, with the addresses of the pages around it."""

    items: list[EventPublic]
    page: int = Field(description="This page's number, from 1.")
    per_page: int = Field(description="The most events a page holds.")
    total: int = Field(description="How many events match the filters, on all pages.")
    next: str | None = Field(description="The address of the next page, or null on the last.")
    prev: str | None = Field(description="The address of the previous page, or null on the first.")


class ChangePublic(BaseModel):
    """One recorded change of an event: when, by whom, what, and each field's old and new value."""

    id: int
    changed_at: dt.datetime = Field(description="When (UTC).")
    changed_by: str = Field(description="Who (empty until accounts exist).")
    action: str = Field(description="created, updated, deleted or restored.")
    changes: dict[str, list[str]] = Field(
        description="Per changed field, [old, new] in the text of the CSV contract (empty for delete and restore)."
    )


class EventHistory(BaseModel):
    """Every recorded change of one event, oldest first."""

    event_id: int
    items: list[ChangePublic]


class OfficialPublic(BaseModel):
    """An official: name, country and the post of their latest tenure."""

    name: str
    country: str
    role: str = Field(description="The post last recorded for them, or empty.")


class OfficialList(BaseModel):
    """Every official, by name."""

    items: list[OfficialPublic]


class GapPublic(BaseModel):
    """The silence between two consecutive held contacts of a pair, with bounds for uncertain dates."""

    start: dt.date = Field(description="The date of the held contact that opens the gap.")
    end: dt.date = Field(description="The date of the held contact that ends it.")
    start_id: int = Field(description="The id of the event that opens the gap.")
    end_id: int = Field(description="The id of the event that ends it.")
    min_days: int = Field(description="At least this many days.")
    max_days: int = Field(description="At most this many days (the same as min_days for exact dates).")
    attempts: int = Field(description="Attempted contacts inside the gap.")
    refusals: int = Field(description="Refused contacts inside the gap.")
    label: str = Field(description='"84 days", or "at least 80, at most 90 days".')


class PairPublic(BaseModel):
    """A pair's contacts, gaps and current silence."""

    pair_key: str
    label: str = Field(description='The two sides, "A – B".')
    held: int
    attempts: int
    refusals: int
    total: int = Field(description="Every event of the pair, whatever its status.")
    last_contact: dt.date | None = Field(description="The last held contact, or null.")
    silence_min_days: int | None = Field(
        description="The current silence, at least (null without a held contact)."
    )
    silence_max_days: int | None = Field(description="The current silence, at most.")
    silence_label: str
    longest_gap: GapPublic | None
    median_gap_min: float | None = Field(description="The median gap's lower bound in days.")
    median_gap_max: float | None = Field(description="The median gap's upper bound in days.")
    gaps: list[GapPublic] = Field(description="Every gap, oldest first.")


class PairList(BaseModel):
    """Every pair with its gap statistics, the most recently active first."""

    as_of: dt.date = Field(description="The day the current silences run to.")
    lanes: Lanes
    items: list[PairPublic]


def _described(name: str) -> str | None:
    """What an event field means, as ``EventPublic`` describes it."""
    info = EventPublic.model_fields.get(name)
    return info.description if info else None


def _patch_model() -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (info.annotation | None, Field(default=None, description=_described(name)))  # type: ignore[operator]
        for name, info in EventCreate.model_fields.items()
    }
    return create_model(
        "EventPatch",
        __doc__="Any fields of an event (EventCreate); the others keep their values, then the whole is validated.",
        **fields,
    )


EventPatch = _patch_model()

#: The event the docs use as an example body; validated here so that it cannot drift from the model.
EXAMPLE_EVENT: dict[str, Any] = {
    "date": "2022-05-19",
    "date_end": None,
    "date_precision": "day",
    "official_a": "Mark Milley",
    "role_a": "US Chairman of the Joint Chiefs of Staff",
    "country_a": "US",
    "official_b": "Valery Gerasimov",
    "role_b": "Russian Chief of the General Staff",
    "country_b": "Russia",
    "channel": "phone",
    "status": "held",
    "initiated_by": "",
    "summary": "Discussed several security-related issues of concern.",
    "source_url": "https://www.jcs.mil/Media/News/",
    "source_publisher": "Joint Staff",
    "source_date": "2022-05-19",
}
EventCreate.model_validate(EXAMPLE_EVENT)
EXAMPLE_PATCH = {"summary": "Agreed to keep the lines of communication open."}
EventPatch.model_validate(EXAMPLE_PATCH)


# Errors ------------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answer: status, message, and a message per bad field."""

    def __init__(self, status: int, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = dict(fields or {})


def _error_response(status: int, message: str, fields: Mapping[str, str] | None = None) -> Response:
    body = ErrorBody(error=message, fields=dict(fields or {}))
    return _json(body, status)


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return _error_response(exc.status, exc.message, exc.fields)


_HTTP_MESSAGES = {
    404: "no such address in the API: see /api/docs",
    405: "this address does not take that method",
}


def _is_api_request() -> bool:
    return (
        request.blueprint == bp.name
        or request.path == bp.url_prefix
        or request.path.startswith(f"{bp.url_prefix}/")
    )


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response:
    """An HTTP error (unknown address, wrong method, body too large...) as JSON."""
    code = exc.code or 500
    response = _error_response(code, _HTTP_MESSAGES.get(code, exc.description or exc.name))
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


# Helpers -----------------------------------------------------------------------------------


def _json(model: BaseModel, status: int = 200) -> Response:
    return Response(model.model_dump_json(), status=status, mimetype="application/json")


def _public(row: queries.EventRow) -> EventPublic:
    return EventPublic.model_validate(row, from_attributes=True)


M = TypeVar("M", bound=BaseModel)


def _query(model: type[M], args: Mapping[str, str], allowed: Iterable[str] = ()) -> M:
    """``model`` from the query string; 422 naming each bad or unknown parameter."""
    known = set(model.model_fields) | set(allowed)
    errors = {
        name: f"unknown parameter: use one of {', '.join(sorted(known))}"
        for name in args
        if name not in known
    }
    data = {name: args[name] for name in model.model_fields if name in args}
    try:
        value = model.model_validate(data)
    except ValidationError as exc:
        errors.update(field_errors(exc))
    if errors:
        raise ApiError(422, "the query string has bad parameters", errors)
    return value


def _json_body() -> dict[str, Any]:
    """The request's JSON object; 415 when it is not JSON, 400 when it does not parse."""
    if not request.is_json:
        raise ApiError(415, "send a JSON body with the header Content-Type: application/json")
    try:
        body = request.get_json()
    except BadRequest:
        raise ApiError(400, "the body is not valid JSON") from None
    except RecursionError:
        raise ApiError(400, "the body nests too deeply to read") from None
    if not isinstance(body, dict):
        raise ApiError(422, "the body must be a JSON object holding the event's fields")
    return body


_DATE_FIELDS = ("date", "date_end", "source_date")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Fields of an event as the API returns it that a body may carry back but that cannot be set.
_READ_ONLY = ("id", "pair_key", "pair_label")


def _event_fields(body: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The event fields of a JSON body, blanks and nulls made empty, and a message per bad field."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in body.items():
        if name in _READ_ONLY:
            continue
        info = EventCreate.model_fields.get(name)
        if info is None:
            errors[name] = "unknown field"
        elif name in _DATE_FIELDS and value in (None, ""):
            if info.is_required():
                errors[name] = "is required"
            data[name] = None
        elif name in _DATE_FIELDS and not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
            errors[name] = "must be a date written YYYY-MM-DD (ISO 8601)"
        elif value is None and info.default == "":
            data[name] = ""
        else:
            data[name] = value
    return data, errors


def _validated(data: Mapping[str, Any], errors: Mapping[str, str]) -> EventCreate:
    """An ``EventCreate`` from ``data``, or a 422 naming every bad field."""
    found = dict(errors)
    item = None
    try:
        item = EventCreate.model_validate({k: v for k, v in data.items() if k not in found})
    except ValidationError as exc:
        for name, message in field_errors(exc).items():
            found.setdefault(name, message)
    if found or item is None:
        raise _invalid(found)
    return item


def _not_duplicate(item: EventCreate, *, exclude_id: int | None = None) -> None:
    same = queries.find_same_event(get_session(), item, exclude_id=exclude_id)
    if same is not None:
        where = " (deleted: restore it instead)" if same.deleted_at is not None else ""
        raise ApiError(
            409,
            f"event {same.id}{where} is already this contact: the same date, end date, pair, channel and status",
        )


def _stored_event(event_id: int) -> queries.EventRow:
    """The event ``event_id``, or a 404 that says whether it is deleted."""
    row = queries.get_event(get_session(), event_id)
    if row is None:
        deleted = queries.get_event(get_session(), event_id, include_deleted=True) is not None
        raise ApiError(404, f"event {event_id} is deleted" if deleted else f"no event {event_id}")
    return row


def _invalid(fields: Mapping[str, str]) -> ApiError:
    return ApiError(422, "the event is not valid: see the message for each field", fields)


def _update(event_id: int, item: EventCreate) -> None:
    try:
        queries.update_event(get_session(), event_id, item)
    except queries.InputError as exc:
        raise _invalid(exc.errors) from None


def _event_response(event_id: int, status: int = 200) -> Response:
    response = _json(_public(_stored_event(event_id)), status)
    if status == 201:
        response.headers["Location"] = url_for("api.get_event", event_id=event_id, _external=True)
    return response


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were written as UTC
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


# What the OpenAPI document says of each view -------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """How one view is documented: its query string, body, answer and error statuses."""

    response: type[BaseModel] | None
    status: int = 200
    query: tuple[type[BaseModel], ...] = ()
    body: type[BaseModel] | None = None
    example: Mapping[str, Any] | None = None
    errors: tuple[int, ...] = ()
    media_type: str = "application/json"


OPERATIONS: dict[str, Operation] = {}

F = TypeVar("F", bound=Callable[..., Any])


def _doc(operation: Operation) -> Callable[[F], F]:
    """Record how a view of this blueprint is documented (its docstring gives the summary)."""

    def register(view: F) -> F:
        OPERATIONS[f"{bp.name}.{view.__name__}"] = operation
        return view

    return register


# Events ------------------------------------------------------------------------------------


@bp.get("/events")
@_doc(Operation(EventPage, query=(FilterQuery, PageQuery), errors=(422,)))
def list_events() -> Response:
    """List events in date order, filtered as on the timeline, a page at a time.

    Filters combine (all must hold); `channel` and `status` take several values. `next` and
    `prev` are the addresses of the neighbouring pages with the same filters.
    """
    flt, errors = parse_filters(request.args)
    try:
        paging = _query(PageQuery, request.args, allowed=FILTER_FIELDS)
    except ApiError as exc:
        errors = {**errors, **exc.fields}
    if errors:
        raise ApiError(422, "the query string has bad parameters", errors)
    offset = (paging.page - 1) * paging.per_page
    rows, total = queries.list_events_page(
        get_session(), flt=flt, lanes=paging.lanes, limit=paging.per_page, offset=offset
    )

    def link(page: int) -> str:
        args: dict[str, Any] = {**flt.query_args(), "page": page, "per_page": paging.per_page}
        if paging.lanes != "person":
            args["lanes"] = paging.lanes
        return url_for("api.list_events", _external=True, **args)

    last_page = max(1, -(-total // paging.per_page))
    page = EventPage(
        items=[_public(r) for r in rows],
        page=paging.page,
        per_page=paging.per_page,
        total=total,
        next=link(paging.page + 1) if paging.page < last_page else None,
        prev=link(min(paging.page - 1, last_page)) if paging.page > 1 else None,
    )
    return _json(page)


@bp.post("/events")
@_doc(Operation(EventPublic, status=201, body=EventCreate, example=EXAMPLE_EVENT, errors=(409,)))
def create_event() -> Response:
    """Record a contact event.

    The same validation and write as the add-event form: a new official needs a country; a
    named role is recorded as a post the official holds. Answers 201 with the event and its
    address in `Location`, or 409 when the same contact (date, end date, pair, channel and
    status) is already stored.
    """
    data, errors = _event_fields(_json_body())
    item = _validated(data, errors)
    _not_duplicate(item)
    try:
        event = queries.add_event(get_session(), item)
    except queries.InputError as exc:
        raise _invalid(exc.errors) from None
    return _event_response(event.id or 0, 201)


@bp.get(EVENT_URL)
@_doc(Operation(EventPublic, errors=(404,)))
def get_event(event_id: int) -> Response:
    """One event."""
    return _event_response(event_id)


@bp.put(EVENT_URL)
@_doc(Operation(EventPublic, body=EventCreate, example=EXAMPLE_EVENT, errors=(404, 409)))
def replace_event(event_id: int) -> Response:
    """Replace an event with the body, validated as on create; each changed field is recorded.

    Fields left out take their defaults (empty), as on create.
    """
    _stored_event(event_id)
    data, errors = _event_fields(_json_body())
    item = _validated(data, errors)
    _not_duplicate(item, exclude_id=event_id)
    _update(event_id, item)
    return _event_response(event_id)


@bp.patch(EVENT_URL)
@_doc(Operation(EventPublic, body=EventPatch, example=EXAMPLE_PATCH, errors=(404, 409)))
def update_event(event_id: int) -> Response:
    """Change some fields of an event; the others keep their values, then the whole is validated.

    Each changed field is recorded in the event's history.
    """
    current = _stored_event(event_id)
    data, errors = _event_fields(_json_body())
    merged = {name: getattr(current, name) for name in EventCreate.model_fields} | data
    item = _validated(merged, errors)
    _not_duplicate(item, exclude_id=event_id)
    _update(event_id, item)
    return _event_response(event_id)


@bp.delete(EVENT_URL)
@_doc(Operation(None, status=204, errors=(404,)))
def delete_event(event_id: int) -> Response:
    """Move an event to the deleted list; it can be restored."""
    _stored_event(event_id)
    queries.delete_event(get_session(), event_id)
    return Response(status=204)


@bp.post(f"{EVENT_URL}/restore")
@_doc(Operation(EventPublic, errors=(404, 409)))
def restore_event(event_id: int) -> Response:
    """Bring a deleted event back; 409 when it is not deleted."""
    session = get_session()
    if queries.get_event(session, event_id, include_deleted=True) is None:
        raise ApiError(404, f"no event {event_id}")
    if queries.get_event(session, event_id) is not None:
        raise ApiError(409, f"event {event_id} is not deleted")
    queries.restore_event(session, event_id)
    return _event_response(event_id)


@bp.get(f"{EVENT_URL}/history")
@_doc(Operation(EventHistory, errors=(404,)))
def event_history(event_id: int) -> Response:
    """Every recorded change of an event (deleted ones too), oldest first."""
    session = get_session()
    if queries.get_event(session, event_id, include_deleted=True) is None:
        raise ApiError(404, f"no event {event_id}")
    changes = [
        ChangePublic(
            id=c.id or 0,
            changed_at=_utc(c.changed_at),
            changed_by=c.changed_by,
            action=c.action,
            changes=c.changes,
        )
        for c in queries.event_history(session, event_id)
    ]
    return _json(EventHistory(event_id=event_id, items=changes))


# Officials and pairs -----------------------------------------------------------------------


@bp.get("/officials")
@_doc(Operation(OfficialList))
def list_officials() -> Response:
    """Every official by name, with the post of their latest tenure."""
    officials = queries.list_officials(get_session())
    return _json(
        OfficialList(items=[OfficialPublic.model_validate(o, from_attributes=True) for o in officials])
    )


def _gap(gap: analysis.Gap) -> GapPublic:
    return GapPublic.model_validate({**_attrs(gap, GapPublic), "label": gap.label})


def _attrs(source: object, model: type[BaseModel]) -> dict[str, Any]:
    return {name: getattr(source, name) for name in model.model_fields if hasattr(source, name)}


@bp.get("/pairs")
@_doc(Operation(PairList, query=(PairQuery,), errors=(422,)))
def list_pairs() -> Response:
    """Every pair with its gap statistics: counts, last contact, current silence, gaps.

    A gap is the time between two consecutive held contacts; attempts and refusals fall inside
    gaps. Uncertain dates give a gap bounds (at least, at most).
    """
    query = _query(PairQuery, request.args)
    as_of = query.as_of or arrow.utcnow().date()
    events = queries.list_events(get_session(), lanes=query.lanes)
    labels = {e.pair_key: e.pair_label for e in events}
    items = [
        PairPublic.model_validate(
            {
                **_attrs(s, PairPublic),
                "label": labels.get(s.pair_key, s.pair_key),
                "silence_label": s.silence_label,
                "longest_gap": _gap(s.longest_gap) if s.longest_gap else None,
                "gaps": [_gap(g) for g in s.gaps],
            }
        )
        for s in analysis.all_pair_stats(events, as_of=as_of)
    ]
    return _json(PairList(as_of=as_of, lanes=query.lanes, items=items))


# The OpenAPI document and the docs page ------------------------------------------------------


@bp.get("/openapi.json")
@_doc(Operation(None))
def openapi() -> Response:
    """This API described in OpenAPI 3.1, generated from its models."""
    return current_app.response_class(
        json.dumps(openapi_document(current_app), ensure_ascii=False, indent=2), mimetype="application/json"
    )


@bp.get("/docs")
@_doc(Operation(None, media_type="text/html"))
def docs() -> str:
    """This page: the API's endpoints, parameters and schemas, from the OpenAPI document."""
    document = openapi_document(current_app)
    base = request.host_url.rstrip("/")
    return render_template(
        "api_docs.html",
        info=document["info"],
        endpoints=list(_endpoints(document, base)),
        schemas=list(_schemas(document)),
        openapi_url=url_for("api.openapi"),
    )


_ERRORS = {
    400: "The body is not valid JSON.",
    404: "No such event (or it is deleted).",
    409: "The same contact is already stored, or the event is not in the state the request needs.",
    415: "The body is not sent as `application/json`.",
    422: "A field or parameter is invalid; `fields` names each with its message.",
}
_SUCCESS = {200: "OK", 201: "Created; `Location` has the new event's address.", 204: "Done; no body."}
_PATH_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _openapi_path(rule: Rule) -> str:
    return _PATH_ARG.sub(lambda m: "{" + m.group(2) + "}", rule.rule)


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    params = []
    for converter, name in _PATH_ARG.findall(rule.rule):
        schema: dict[str, Any] = (
            {"type": "integer", "minimum": 0, "maximum": MAX_ID} if converter == "int" else {"type": "string"}
        )
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _query_parameters(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    params = []
    required = set(schema.get("required", ()))
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in prop:
            param["description"] = prop.pop("description")
        if prop.get("examples"):
            param["example"] = prop.pop("examples")[0]
        prop.pop("title", None)
        param["schema"] = prop
        if prop.get("type") == "array":
            param.update(style="form", explode=True)
        params.append(param)
    return params


def _summary(view: Callable[..., Any]) -> tuple[str, str]:
    lines = (view.__doc__ or "").strip().splitlines()
    summary = lines[0].strip() if lines else view.__name__
    description = " ".join(" ".join(line.split()) for line in lines[1:] if line.strip())
    return summary, description


def openapi_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every documented route of this blueprint in ``app``."""
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (ErrorBody, "serialization")
    ]
    for documented in OPERATIONS.values():
        models += [(m, "validation") for m in documented.query]
        if documented.body is not None:
            models.append((documented.body, "validation"))
        if documented.response is not None:
            models.append((documented.response, "serialization"))
    models = list(dict.fromkeys(models))
    _, defs = models_json_schema(models, ref_template=REF_TEMPLATE)
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    query_models = {m.__name__ for op in OPERATIONS.values() for m in op.query}
    query_schemas = {name: schemas.pop(name) for name in query_models}

    def ref(model: type[BaseModel]) -> dict[str, str]:
        return {"$ref": REF_TEMPLATE.format(model=model.__name__)}

    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        op = OPERATIONS.get(rule.endpoint)
        if op is None:
            continue
        view = app.view_functions[rule.endpoint]
        summary, description = _summary(view)
        parameters = _path_parameters(rule)
        for model in op.query:
            parameters += _query_parameters(query_schemas[model.__name__])
        success: dict[str, Any] = {"description": _SUCCESS.get(op.status, "OK")}
        if op.response is not None:
            success["content"] = {op.media_type: {"schema": ref(op.response)}}
        elif op.status != 204:
            schema = {"type": "string"} if op.media_type == "text/html" else {"type": "object"}
            success["content"] = {op.media_type: {"schema": schema}}
        if op.status == 201:
            success["headers"] = {
                "Location": {
                    "description": "The new event's address.",
                    "schema": {"type": "string", "format": "uri"},
                }
            }
        errors = set(op.errors)
        if op.body is not None:
            errors |= {400, 415, 422}
        responses: dict[str, Any] = {str(op.status): success}
        for code in sorted(errors):
            responses[str(code)] = {
                "description": _ERRORS[code],
                "content": {"application/json": {"schema": ref(ErrorBody)}},
            }
        operation: dict[str, Any] = {
            "operationId": view.__name__,
            "summary": summary,
            "tags": [_tag(rule.rule)],
            "responses": responses,
        }
        if description:
            operation["description"] = description
        if parameters:
            operation["parameters"] = parameters
        if op.body is not None:
            content: dict[str, Any] = {"schema": ref(op.body)}
            if op.example is not None:
                content["example"] = dict(op.example)
            operation["requestBody"] = {"required": True, "content": {"application/json": content}}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(_openapi_path(rule), {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Contact Timeline Tracker API",
            "version": API_VERSION,
            "description": (
                "Contacts between officials of rival states, and the silences between them. "
                "Bodies and answers are JSON with the field names of the CSV contract; dates are ISO 8601. "
                "Every error is an ErrorBody: 404 for an unknown id or address under /api, 405 for a method "
                "an address does not take, 400 for a body that is not JSON, 415 for one not sent as "
                "application/json, 409 for a contact already stored, 422 naming each bad field or parameter."
            ),
        },
        "paths": paths,
        "components": {"schemas": schemas},
    }


def _tag(path: str) -> str:
    parts = path.removeprefix(f"{bp.url_prefix}/").split("/")
    return parts[0] if parts[0] in ("events", "officials", "pairs") else "documentation"


# Rendering the document as a page -------------------------------------------------------------


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_html(schema: Mapping[str, Any]) -> Markup:
    """A schema's type in words, with links to the named schemas it uses."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return Markup('<a href="#schema-{0}">{0}</a>').format(name)
    if "anyOf" in schema:
        return Markup(" or ").join(type_html(s) for s in schema["anyOf"])
    kind = schema.get("type")
    if kind == "array":
        return Markup("array of ") + type_html(schema.get("items", {}))
    if kind == "object" and isinstance(schema.get("additionalProperties"), Mapping):
        return Markup("object of ") + type_html(schema["additionalProperties"])
    if "enum" in schema:
        return Markup(" | ").join(escape(json.dumps(v)) for v in schema["enum"])
    if "const" in schema:
        return escape(json.dumps(schema["const"]))
    if kind is None:
        return Markup("any")
    return escape(f"{kind} ({schema['format']})" if "format" in schema else kind)


_RULES = {
    "minLength": "at least {} characters",
    "maxLength": "at most {} characters",
    "minimum": "from {}",
    "maximum": "up to {}",
    "exclusiveMinimum": "above {}",
}


def _rules(schema: Mapping[str, Any]) -> str:
    """A schema's limits and default in words ("not empty; at most 200 characters")."""
    parts = []
    for part in (schema, *schema.get("anyOf", ())):
        for key, text in _RULES.items():
            if key in part:
                parts.append("not empty" if (key, part[key]) == ("minLength", 1) else text.format(part[key]))
    if "default" in schema and schema["default"] not in ("", [], None):
        parts.append(f"default {json.dumps(schema['default'])}")
    return "; ".join(parts)


def prose(text: str) -> Markup:
    """Text with its `code` spans set as code, for the docs page."""
    return Markup("").join(
        Markup("<code>{}</code>").format(part) if i % 2 else escape(part)
        for i, part in enumerate(text.split("`"))
    )


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _curl(method: str, path: str, operation: Mapping[str, Any], base: str) -> str:
    url = base + re.sub(r"\{\w+\}", "1", path)
    query = [
        f"{p['name']}={v}"
        for p in operation.get("parameters", ())
        if p["in"] == "query" and "example" in p
        for v in (p["example"] if isinstance(p["example"], list) else [p["example"]])
    ]
    if query:
        url += "?" + "&".join(query)
    parts = [" ".join(["curl", *([f"-X {method.upper()}"] if method != "get" else []), _shell_quote(url)])]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    if "example" in body:
        parts.append("-H 'Content-Type: application/json'")
        parts.append("-d " + _shell_quote(json.dumps(body["example"], indent=2, ensure_ascii=False)))
    return " \\\n  ".join(parts)


def _endpoints(document: Mapping[str, Any], base: str) -> Iterable[dict[str, Any]]:
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            yield {
                "anchor": f"{method}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-')}",
                "method": method.upper(),
                "path": path,
                "summary": prose(operation["summary"]),
                "description": prose(operation.get("description", "")),
                "parameters": [
                    {
                        "name": p["name"],
                        "in": p["in"],
                        "type": type_html(p["schema"]),
                        "rules": _rules(p["schema"]),
                        "required": p["required"],
                        "description": prose(p.get("description", "")),
                    }
                    for p in operation.get("parameters", ())
                ],
                "body": type_html(body["schema"]) if body else None,
                "responses": [
                    {
                        "status": status,
                        "description": prose(r["description"]),
                        "type": next((type_html(c["schema"]) for c in r.get("content", {}).values()), None),
                        "content_type": next(iter(r.get("content", {})), ""),
                    }
                    for status, r in operation["responses"].items()
                ],
                "curl": _curl(method, path, operation, base),
            }


def _schemas(document: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    for name, schema in sorted(document["components"]["schemas"].items()):
        required = set(schema.get("required", ()))
        yield {
            "name": name,
            "description": prose(schema.get("description", "")),
            "enum": [json.dumps(v) for v in schema.get("enum", ())],
            "properties": [
                {
                    "name": prop_name,
                    "type": type_html(prop),
                    "required": prop_name in required,
                    "rules": _rules(prop),
                    "description": prose(prop.get("description") or _described(prop_name) or ""),
                }
                for prop_name, prop in schema.get("properties", {}).items()
            ],
        }


def init_app(app: Flask) -> None:
    """Register the API, exempt from CSRF (it takes JSON, not forms), with JSON errors under /api."""
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.before_request(_routing_error)


def _routing_error() -> Response | None:
    """An unknown address or method under /api, answered in JSON before any app-wide error page.

    Routing fails before a blueprint is chosen, so the blueprint's error handlers cannot see it.
    """
    exc = request.routing_exception
    if isinstance(exc, NotFound | MethodNotAllowed) and _is_api_request():
        return _http_error(exc)
    return None
