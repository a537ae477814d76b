"""The API's docs page: the OpenAPI document rendered as HTML, with a curl example per endpoint."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup, escape

from tracker.models import EventPublic


def _described(name: str) -> str | None:
    """What an event field means, as ``EventPublic`` describes it."""
    info = EventPublic.model_fields.get(name)
    return info.description if info else None


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


def endpoints(document: Mapping[str, Any], base: str) -> Iterable[dict[str, Any]]:
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


def schemas(document: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
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
