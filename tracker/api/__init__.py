"""The JSON API: its views (``views``), models (``schemas``), OpenAPI document (``openapi``) and docs page (``docs``)."""

from __future__ import annotations

from tracker.api.views import init_app

__all__ = ["init_app"]
