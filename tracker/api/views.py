"""The JSON API under ``/api``: events, officials and pairs, its OpenAPI document and its docs page.

Writes go through the same input model (``EventCreate``) and the same ``tracker.store`` write
path as the form. Every error is JSON (``ErrorBody``) with a status that says what went wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import BadRequest, HTTPException, MethodNotAllowed, NotFound

from tracker import analysis, assessing, board
from tracker.api import docs as docs_page
from tracker.api.openapi import Operation, documented, openapi_document
from tracker.api.schemas import (
    EXAMPLE_ASSESSMENT,
    EXAMPLE_EVENT,
    EXAMPLE_PATCH,
    AssessmentList,
    AssessmentPublic,
    AssessmentQuery,
    ChangePublic,
    DraftBody,
    DraftItem,
    DraftList,
    ErrorBody,
    EventBody,
    EventHistory,
    EventPage,
    EventWritten,
    FilterQuery,
    GapPage,
    GapPublic,
    GapQuery,
    OfficialList,
    OfficialPublic,
    PageQuery,
    PairList,
    PairPublic,
    PairQuery,
    WriteOptions,
)
from tracker.clock import today
from tracker.db import get_session
from tracker.extensions import csrf
from tracker.filters import FILTER_PARAMS, parse_filters
from tracker.forms import field_errors
from tracker.models import (
    DATE_FIELDS,
    MAX_ID,
    Assessment,
    AssessmentCreate,
    EventCreate,
    EventPublic,
    EventUpdate,
    SourceCreate,
)
from tracker.posts import is_pair_key, is_post_pair_key
from tracker.store import (
    DuplicateError,
    InputError,
    StaleError,
    assessments,
    drafts,
    events,
    lanes,
    people,
    writes,
)
from tracker.store import sources as stored_sources

bp = Blueprint("api", __name__, url_prefix="/api")

#: The largest event id a URL can name (a 32-bit integer column); larger ids are simply not found.
EVENT_URL = f"/events/<int(max={MAX_ID}):event_id>"

F = TypeVar("F", bound=Callable[..., Any])


def _doc(operation: Operation) -> Callable[[F], F]:
    return documented(bp.name, operation)


# Errors ------------------------------------------------------------------------------------


class ApiError(Exception):
    """An error answer: status, message, and a message per bad field."""

    def __init__(
        self,
        status: int,
        message: str,
        fields: Mapping[str, str] | None = None,
        *,
        suggestions: Mapping[str, list[str]] | None = None,
        corroborates: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = dict(fields or {})
        self.suggestions = dict(suggestions or {})
        self.corroborates = corroborates


def _error_response(
    status: int,
    message: str,
    fields: Mapping[str, str] | None = None,
    *,
    suggestions: Mapping[str, list[str]] | None = None,
    corroborates: int | None = None,
) -> Response:
    body = ErrorBody(
        error=message,
        fields=dict(fields or {}),
        suggestions=dict(suggestions or {}),
        corroborates=corroborates,
    )
    # what only some errors carry is left out where it is empty
    empty = {name for name in ("suggestions", "corroborates") if not getattr(body, name)}
    return Response(body.model_dump_json(exclude=empty), status=status, mimetype="application/json")


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Response:
    return _error_response(
        exc.status, exc.message, exc.fields, suggestions=exc.suggestions, corroborates=exc.corroborates
    )


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


# by code too: Flask prefers the app's handler for a code over the blueprint's for all HTTP errors
for _code in (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429):
    bp.register_error_handler(_code, _http_error)


# Helpers -----------------------------------------------------------------------------------


def _json(model: BaseModel, status: int = 200) -> Response:
    return Response(model.model_dump_json(), status=status, mimetype="application/json")


def _public(row: events.EventRow) -> EventPublic:
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


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Fields of an event as the API returns it that a body may carry back but that cannot be set.
_READ_ONLY = ("id", "pair_key", "pair_label")
_OPTIONS = (*WriteOptions.model_fields, "sources")


def _body_as(model: type[M], what: str) -> M:
    """The JSON body read as ``model``; a 422 naming each bad field otherwise."""
    body = _json_body()
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise ApiError(
            422, f"the {what} is not valid: see the message for each field", field_errors(exc)
        ) from None


def _options(body: Mapping[str, Any]) -> tuple[WriteOptions, list[SourceCreate], dict[str, str]]:
    """What the body settles in advance, its further sources, and a message per bad one."""
    errors: dict[str, str] = {}
    options = WriteOptions()
    try:
        options = WriteOptions.model_validate({k: body[k] for k in WriteOptions.model_fields if k in body})
    except ValidationError as exc:
        errors.update(field_errors(exc))
    sources: list[SourceCreate] = []
    given = body.get("sources") or []
    if not isinstance(given, list):
        errors["sources"] = "must be a list of sources"
        given = []
    for n, source in enumerate(given):
        try:
            sources.append(SourceCreate.model_validate(source))
        except ValidationError as exc:
            for name, message in field_errors(exc).items():
                errors.setdefault(f"sources.{n}.{name}", message)
    return options, sources, errors


def _choices(options: WriteOptions) -> writes.Choices:
    return writes.Choices(
        new=frozenset({"*"}) if options.confirm_new else frozenset(),
        corroborates=options.corroborates,
        separate=options.separate,
        remember=False,
    )


def _event_fields(body: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The event fields of a JSON body, blanks and nulls made empty, and a message per bad field."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in body.items():
        if name in _READ_ONLY or name in _OPTIONS:
            continue
        info = EventCreate.model_fields.get(name)
        if info is None:
            errors[name] = "unknown field"
        elif name in DATE_FIELDS and value in (None, ""):
            if info.is_required():
                errors[name] = "is required"
            data[name] = None
        elif name in DATE_FIELDS and not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
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


def _stored_event(event_id: int) -> events.EventRow:
    """The event ``event_id``, or a 404 that says whether it is deleted."""
    row = events.get_event(get_session(), event_id)
    if row is None:
        deleted = events.is_deleted(get_session(), event_id)
        raise ApiError(404, f"event {event_id} is deleted" if deleted else f"no event {event_id}")
    return row


def _refused(exc: InputError) -> ApiError:
    """What the write path refused, as an answer.

    409 for a contact already stored, or one that looks like another report of a recorded
    contact (``corroborates`` names it); 422 with suggestions for a name close to recorded ones;
    else 422 naming each bad field.
    """
    if isinstance(exc, DuplicateError):
        return ApiError(409, exc.message, corroborates=exc.event_id)
    if isinstance(exc, writes.LooksLikeEvent):
        return ApiError(
            409,
            exc.message + ': send "corroborates": ' + str(exc.event_id) + ' or "separate": true',
            corroborates=exc.event_id,
        )
    if isinstance(exc, writes.UnknownName):
        return ApiError(
            422,
            'a name is not recorded but close to recorded ones: use one of the suggestions, or send "confirm_new": true',
            exc.errors,
            suggestions=exc.suggestions,
        )
    return ApiError(422, "the event is not valid: see the message for each field", exc.errors)


def _invalid(fields: Mapping[str, str]) -> ApiError:
    return ApiError(422, "the event is not valid: see the message for each field", fields)


_IF_MATCH = re.compile(r'\s*(?:W/)?"v(\d{1,9})"\s*')


def _if_match() -> int | None:
    """The version an ``If-Match`` header names (the ``ETag`` of a GET), None without one."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    found = _IF_MATCH.fullmatch(header)
    if found is None:
        raise ApiError(412, 'If-Match names no version of this event: send the ETag of its GET (like "v3")')
    return int(found[1])


def _etag(event_id: int) -> str:
    return f'"v{events.version_of(get_session(), event_id) or 0}"'


def _update(event_id: int, item: EventCreate, options: WriteOptions) -> None:
    try:
        writes.update_event(get_session(), event_id, item, choices=_choices(options), version=_if_match())
    except StaleError as exc:
        raise ApiError(412, exc.message) from None
    except InputError as exc:
        raise _refused(exc) from None


def _event_response(event_id: int, status: int = 200, warnings: list[str] | None = None) -> Response:
    public = _public(_stored_event(event_id))
    body = EventWritten(**public.model_dump(), warnings=warnings) if warnings is not None else public
    response = _json(body, status)
    response.headers["ETag"] = _etag(event_id)
    if status == 201:
        response.headers["Location"] = _link("api.get_event", event_id=event_id)
    return response


def _link(endpoint: str, **values: Any) -> str:
    """The address of an endpoint: under ``PUBLIC_URL`` when set, else a path (never from the Host header)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were written as UTC
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


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
        paging = _query(PageQuery, request.args, allowed=FILTER_PARAMS)
    except ApiError as exc:
        errors = {**errors, **exc.fields}
    if errors:
        raise ApiError(422, "the query string has bad parameters", errors)
    offset = (paging.page - 1) * paging.per_page
    rows, total = events.list_events_page(
        get_session(), flt=flt, lanes=paging.lanes, limit=paging.per_page, offset=offset
    )

    def link(page: int) -> str:
        args: dict[str, Any] = {**flt.query_args(), "page": page, "per_page": paging.per_page}
        if paging.lanes != "person":
            args["lanes"] = paging.lanes
        return _link("api.list_events", **args)

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
@_doc(Operation(EventWritten, status=201, body=EventBody, example=EXAMPLE_EVENT, errors=(409,)))
def create_event() -> Response:
    """Record a contact event, or another report of a recorded one.

    The same validation and write as the add-event form: a new official needs a country; a
    named role is recorded as a post the official holds; officials and posts are found by their
    names and aliases. Answers 201 with the event and its address in `Location`; 200 with the
    recorded event when the body corroborates it (`corroborates`); 409 when the same contact
    (date, end date, pair, channel and status) is already stored, or when the body looks like
    another report of a recorded contact (the same pair on dates that can overlap: send
    `corroborates` with its id, or `separate: true`); 422 with `suggestions` when a new name is
    close to a recorded one (send `confirm_new: true` to record it).
    """
    body = _json_body()
    options, sources, option_errors = _options(body)
    data, errors = _event_fields(body)
    item = _validated(data, {**errors, **option_errors})
    session = get_session()
    try:
        event_id, result = writes.add_event(session, item, choices=_choices(options))
    except InputError as exc:
        raise _refused(exc) from None
    for source in sources:
        stored_sources.add_source(session, event_id, source)
    return _event_response(event_id, 201 if result.added else 200, [w for _, w in result.warnings])


@bp.get(EVENT_URL)
@_doc(Operation(EventPublic, errors=(404,)))
def get_event(event_id: int) -> Response:
    """One event."""
    return _event_response(event_id)


@bp.put(EVENT_URL)
@_doc(Operation(EventPublic, body=EventCreate, example=EXAMPLE_EVENT, errors=(404, 409, 412)))
def replace_event(event_id: int) -> Response:
    """Replace an event with the body, validated as on create; each changed field is recorded.

    Send `If-Match` with the `ETag` of the event's GET (like `"v3"`) and the change is refused
    with 412 when someone changed the event since.

    Fields left out take their defaults (empty), as on create.
    """
    _stored_event(event_id)
    body = _json_body()
    options, _, option_errors = _options(body)
    data, errors = _event_fields(body)
    item = _validated(data, {**errors, **option_errors})
    _update(event_id, item, options)
    return _event_response(event_id)


@bp.patch(EVENT_URL)
@_doc(Operation(EventPublic, body=EventUpdate, example=EXAMPLE_PATCH, errors=(404, 409, 412)))
def update_event(event_id: int) -> Response:
    """Change some fields of an event; the others keep their values, then the whole is validated.

    Each changed field is recorded in the event's history.
    """
    current = _stored_event(event_id)
    body = _json_body()
    options, _, option_errors = _options(body)
    data, errors = _event_fields(body)
    merged = {name: getattr(current, name) for name in EventCreate.model_fields} | data
    item = _validated(merged, {**errors, **option_errors})
    _update(event_id, item, options)
    return _event_response(event_id)


@bp.delete(EVENT_URL)
@_doc(Operation(None, status=204, errors=(404,)))
def delete_event(event_id: int) -> Response:
    """Move an event to the deleted list; it can be restored."""
    _stored_event(event_id)
    writes.delete_event(get_session(), event_id)
    return Response(status=204)


@bp.post(f"{EVENT_URL}/restore")
@_doc(Operation(EventPublic, errors=(404, 409)))
def restore_event(event_id: int) -> Response:
    """Bring a deleted event back; 409 when it is not deleted."""
    deleted = events.is_deleted(get_session(), event_id)
    if deleted is None:
        raise ApiError(404, f"no event {event_id}")
    if not deleted:
        raise ApiError(409, f"event {event_id} is not deleted")
    writes.restore_event(get_session(), event_id)
    return _event_response(event_id)


@bp.post(f"{EVENT_URL}/sources")
@_doc(Operation(EventPublic, status=201, body=SourceCreate, errors=(404,)))
def add_source(event_id: int) -> Response:
    """Add a further source (another report) to an event; an address it already has is not added twice."""
    _stored_event(event_id)
    source = _body_as(SourceCreate, "source")
    added = stored_sources.add_source(get_session(), event_id, source)
    return _event_response(event_id, 201 if added else 200)


@bp.get(f"{EVENT_URL}/history")
@_doc(Operation(EventHistory, errors=(404,)))
def event_history(event_id: int) -> Response:
    """Every recorded change of an event (deleted ones too), oldest first."""
    session = get_session()
    if events.is_deleted(session, event_id) is None:
        raise ApiError(404, f"no event {event_id}")
    changes = [
        ChangePublic(
            id=c.id or 0,
            changed_at=_utc(c.changed_at),
            changed_by=c.changed_by,
            action=c.action,
            changes=c.changes,
        )
        for c in events.event_history(session, event_id)
    ]
    return _json(EventHistory(event_id=event_id, items=changes))


# Officials and pairs -----------------------------------------------------------------------


@bp.get("/officials")
@_doc(Operation(OfficialList))
def list_officials() -> Response:
    """Every official by name, with the post of their latest tenure."""
    officials = people.list_officials(get_session())
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
    """Every pair on the board with its alert level and gap statistics (every gap with `gaps=true`).

    A gap is the time between two consecutive held contacts; attempts and refusals fall inside
    gaps. Uncertain dates give a gap bounds (at least, at most). The level is the board's: alarm
    past the longest gap on record (or the pair's alarm threshold), warning past k × the median
    gap, normal, no baseline (fewer than two held contacts); archived pairs are left out unless
    asked for.
    """
    query = _query(PairQuery, request.args)
    as_of = query.as_of or today()
    session = get_session()
    rows = board.board(
        session,
        mode=query.lanes,
        as_of=as_of,
        dyad=query.dyad,
        level=query.level,
        archived=query.archived,
        order=query.order,
    )
    gaps: dict[str, list[GapPublic]] = {}
    if query.gaps:
        for key, gap, _, _ in lanes.lane_gaps(session, query.lanes):
            gaps.setdefault(key, []).append(_gap(gap))
    items = [
        PairPublic.model_validate(
            {
                **_attrs(r.stats, PairPublic),
                "pair_key": r.key,
                "label": r.label,
                "silence_label": r.stats.silence_label,
                "longest_gap": _gap(r.stats.longest_gap) if r.stats.longest_gap else None,
                "gaps": gaps.get(r.key, []) if query.gaps else None,
                "gap_count": r.stats.held - 1 if r.stats.held else 0,
                "dyad": r.dyad,
                "level": r.alert.level,
                "level_label": r.alert.label,
                "alert_reason": r.alert.reason,
                "level_since": r.alert.since,
                "schedule": r.schedule.label if r.schedule else None,
                "overdue": r.overdue is not None,
                "overdue_due": r.overdue.due if r.overdue else None,
                "unobserved": bool(r.unobserved),
            }
        )
        for r in rows
    ]
    return _json(PairList(as_of=as_of, lanes=query.lanes, items=items))


# Monthly assessments -----------------------------------------------------------------------


def _assessment(row: Assessment) -> AssessmentPublic:
    return AssessmentPublic.model_validate(
        {
            **_attrs(row, AssessmentPublic),
            "created_at": _utc(row.created_at),
            "updated_at": _utc(row.updated_at),
        }
    )


@bp.get("/assessments")
@_doc(Operation(AssessmentList, query=(AssessmentQuery,), errors=(422,)))
def list_assessments() -> Response:
    """List the monthly assessments of lines, of a month or a line (or every one), the latest month first."""
    query = _query(AssessmentQuery, request.args)
    session = get_session()
    if query.line is not None:
        rows = [a for a in assessments.list_line(session, query.line) if query.month in (None, a.month)]
    elif query.month is not None:
        rows = assessments.list_month(session, query.month)
    else:
        rows = sorted(
            assessments.recent(session, limit=10_000), key=lambda a: (a.month, a.label), reverse=True
        )
    return _json(AssessmentList(items=[_assessment(a) for a in rows]))


@bp.get(f"/assessments/<int(max={MAX_ID}):assessment_id>")
@_doc(Operation(AssessmentPublic, errors=(404,)))
def get_assessment(assessment_id: int) -> Response:
    """One assessment."""
    row = get_session().get(Assessment, assessment_id)
    if row is None:
        raise ApiError(404, f"no assessment {assessment_id}")
    return _json(_assessment(row))


@bp.post("/assessments")
@_doc(
    Operation(
        AssessmentPublic,
        status=201,
        body=AssessmentCreate,
        example=EXAMPLE_ASSESSMENT,
        errors=(),
        also=(200,),
    )
)
def save_assessment() -> Response:
    """Record the assessment of a line for a month, signed by the token's user; 200 when it updates the month's one.

    `line` is a pair's key (as in /pairs/<key> and `pair_key` of /api/pairs?lanes=post) or
    `dyad:` and the two countries as /api/pairs names its `dyad`. The reason is one line of at
    most 200 characters; a month is assessed once it has begun. What the data suggested is kept
    beside it (`suggested_arrow`, `suggested_reason`). 422 names each bad field.
    """
    item = _body_as(AssessmentCreate, "assessment")
    session = get_session()
    line = assessments.find_line(session, item.line)
    problems: dict[str, str] = {}
    if line is None:
        problems["line"] = f"{item.line!r} is no recorded pair or dyad"
    if item.month > assessing.month_of(today()):
        problems["month"] = "must not be after this month: a month is assessed once it has begun"
    if problems or line is None:
        raise ApiError(422, "the assessment is not valid: see the message for each field", problems)
    suggested = assessments.suggestion(session, line, item.month)
    row, created = assessments.save_assessment(session, item, label=line.label, suggestion=suggested)
    response = _json(_assessment(row), 201 if created else 200)
    if created:
        response.headers["Location"] = _link("api.get_assessment", assessment_id=row.id)
    return response


@bp.get("/pairs/<key>/gaps")
@_doc(Operation(GapPage, query=(GapQuery,), errors=(404, 422)))
def list_pair_gaps(key: str) -> Response:
    """One pair's gaps, the latest first, a page at a time (the current silence is in `/api/pairs`).

    `key` is a pair key as `/api/pairs` gives it: a person pair (`3:4`) or a post pair.
    """
    paging = _query(GapQuery, request.args)
    session = get_session()
    mode = "post" if is_post_pair_key(key) else "person"
    if not is_pair_key(key) or not lanes.lane_stats(session, mode, [key]):
        raise ApiError(404, f"no pair {key!r}")
    offset = (paging.page - 1) * paging.per_page
    found, total = lanes.lane_gap_page(session, mode, key, limit=paging.per_page, offset=offset)
    last_page = max(1, -(-total // paging.per_page))

    def link(page: int) -> str:
        return _link("api.list_pair_gaps", key=key, page=page, per_page=paging.per_page)

    return _json(
        GapPage(
            pair_key=key,
            items=[_gap(g) for g in found],
            page=paging.page,
            per_page=paging.per_page,
            total=total,
            next=link(paging.page + 1) if paging.page < last_page else None,
            prev=link(min(paging.page - 1, last_page)) if paging.page > 1 else None,
        )
    )


# The OpenAPI document and the docs page ------------------------------------------------------


EXAMPLE_DRAFT = {
    "text": "Defense Secretary Lloyd Austin spoke by phone with Russian Defense Minister Sergei Shoigu on Friday.",
    "published": "2022-05-13",
    "url": "https://example.org/austin-shoigu",
    "publisher": "Example News",
}


def draft_items(proposals: drafts.Proposals, source: drafts.ArticleSource) -> list[DraftItem]:
    """The candidates as the API and the CLI give them."""
    return [
        DraftItem.model_validate(
            {
                **drafts.candidate_item(p.candidate, source),
                "evidence": p.candidate.evidence,
                "date_phrase": p.candidate.date_phrase,
                "matches_event": p.matches_event,
                "new_officials": p.candidate.new_officials,
                "suggestions": p.suggestions,
            }
        )
        for p in proposals.items
        if not p.problem
    ]


@bp.post("/drafts")
@_doc(Operation(DraftList, body=DraftBody, example=EXAMPLE_DRAFT))
def create_draft() -> Response:
    """Propose the contact events an article reports, writing nothing.

    Each item holds the event fields as `POST /api/events` takes them (the article as their
    source), the sentence it came from (`evidence`), the words its date was read from
    (`date_phrase`, dates read against `published`) and `matches_event`: the recorded event it
    is another report of, or null. Planned contacts, vague totals and contacts with third
    parties are not proposed. 422 names each bad field.
    """
    article = _body_as(DraftBody, "article")
    source = drafts.ArticleSource(article.url, article.publisher, article.published)
    proposals = drafts.propose(get_session(), article.text, article.published, source)
    return _json(DraftList(items=draft_items(proposals, source)))


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
    # only the examples on this page (curl lines) name the host the reader used
    base = current_app.config["PUBLIC_URL"].rstrip("/") or request.host_url.rstrip("/")
    return render_template(
        "api_docs.html",
        info=document["info"],
        endpoints=list(docs_page.endpoints(document, base)),
        schemas=list(docs_page.schemas(document)),
        openapi_url=url_for("api.openapi"),
    )


def init_app(app: Flask) -> None:
    """Register the API, exempt from CSRF (its writes need a token, which no other site can send), with JSON errors under /api."""
    app.config.setdefault("PUBLIC_URL", "")
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.before_request(_routing_error)


def _routing_error() -> Response | None:
    """An unknown address or method under /api, answered in JSON before any app-wide error page.

    Routing fails before a blueprint is chosen, so the blueprint's error handlers cannot see it.
    """
    exc = request.routing_exception
    if isinstance(exc, MethodNotAllowed) and _is_api_request():
        # werkzeug answers 405 for some addresses no method matches (an id past the largest): 404
        try:
            current_app.url_map.bind_to_environ(request.environ).match(
                method=sorted(exc.valid_methods or ["GET"])[0]
            )
        except NotFound as missing:
            exc = missing
        except HTTPException:
            pass
    if isinstance(exc, NotFound | MethodNotAllowed) and _is_api_request():
        return _http_error(exc)
    return None
