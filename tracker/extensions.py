"""The Flask extensions the app uses, created once and bound to the app by ``create_app``."""

from __future__ import annotations

from flask_wtf import CSRFProtect

csrf = CSRFProtect()
