"""The API's OpenAPI 3.1 document, generated from its pydantic models and the app's URL map."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import Rule

from tracker.api.schemas import ErrorBody
from tracker.models import MAX_ID

API_VERSION = "1.0"
REF_TEMPLATE = "#/components/schemas/{model}"


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
    #: further success statuses answered with the same body (200 for a write that updated instead of created)
    also: tuple[int, ...] = ()


#: How each documented view is documented, by endpoint ("api.list_events").
OPERATIONS: dict[str, Operation] = {}

F = TypeVar("F", bound=Callable[..., Any])


def documented(blueprint: str, operation: Operation) -> Callable[[F], F]:
    """Record how a view of ``blueprint`` is documented (its docstring gives the summary)."""

    def register(view: F) -> F:
        OPERATIONS[f"{blueprint}.{view.__name__}"] = operation
        return view

    return register


_ERRORS = {
    400: "The body is not valid JSON.",
    404: "No such event (or it is deleted).",
    401: "No valid API token: writes need `Authorization: Bearer <token>` (create one on /account).",
    403: "The token's user may not do this (a viewer cannot write).",
    409: "The same contact is already stored, or the event is not in the state the request needs.",
    412: "`If-Match` names an older version of the event: someone changed it since; GET it again.",
    415: "The body is not sent as `application/json`.",
    422: "A field or parameter is invalid; `fields` names each with its message.",
}
_SUCCESS = {200: "OK", 201: "Created; `Location` has the new event's address.", 204: "Done; no body."}
#: What a further success status means (``Operation.also``).
_ALSO = {200: "Updated the one there was; the same body."}
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


def openapi_document(app: Flask, prefix: str = "/api") -> dict[str, Any]:
    """The OpenAPI 3.1 document of every documented route of this blueprint in ``app``."""
    models: list[tuple[type[BaseModel], Literal["validation", "serialization"]]] = [
        (ErrorBody, "serialization")
    ]
    for op in OPERATIONS.values():
        models += [(m, "validation") for m in op.query]
        if op.body is not None:
            models.append((op.body, "validation"))
        if op.response is not None:
            models.append((op.response, "serialization"))
    models = list(dict.fromkeys(models))
    _, defs = models_json_schema(models, ref_template=REF_TEMPLATE)
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    query_models = {m.__name__ for op in OPERATIONS.values() for m in op.query}
    query_schemas = {name: schemas.pop(name) for name in query_models}

    def ref(model: type[BaseModel]) -> dict[str, str]:
        return {"$ref": REF_TEMPLATE.format(model=model.__name__)}

    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        found = OPERATIONS.get(rule.endpoint)
        if found is None:
            continue
        op = found
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
                    "schema": {"type": "string", "format": "uri-reference"},
                }
            }
        errors = set(op.errors)
        if op.body is not None:
            errors |= {400, 415, 422}
        writing = bool((rule.methods or set()) - {"GET", "HEAD", "OPTIONS"})
        if writing:
            errors |= {401, 403}
        responses: dict[str, Any] = {str(op.status): success}
        for code in op.also:
            responses[str(code)] = {**success, "description": _ALSO.get(code, "OK")}
            responses[str(code)].pop("headers", None)
        for code in sorted(errors):
            responses[str(code)] = {
                "description": _ERRORS[code],
                "content": {"application/json": {"schema": ref(ErrorBody)}},
            }
        operation: dict[str, Any] = {
            "operationId": view.__name__,
            "summary": summary,
            "tags": [_tag(rule.rule, prefix)],
            "responses": responses,
        }
        if writing:
            operation["security"] = [{"token": []}]
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
                "Reading is open; every write needs an API token (Authorization: Bearer <token>, from /account). "
                "Every error is an ErrorBody: 401 without a valid token, 403 when its user may not write, 412 for a stale If-Match, 404 for an unknown id or address under /api, 405 for a method "
                "an address does not take, 400 for a body that is not JSON, 415 for one not sent as "
                "application/json, 409 for a contact already stored, 422 naming each bad field or parameter."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token, created and revoked on /account; needed for every write.",
                }
            },
        },
    }


def _tag(path: str, prefix: str) -> str:
    parts = path.removeprefix(f"{prefix}/").split("/")
    return parts[0] if parts[0] in ("events", "officials", "pairs", "assessments") else "documentation"
