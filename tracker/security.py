"""What every response carries for the browser's protection, and the settings the app refuses to run without.

The Content-Security-Policy allows scripts from this site only (no inline script: figure data
travels in ``<script type="application/json">``, which is never run). plotly.js needs inline
styles, ``data:``/``blob:`` images for its PNG download, and — for its WebGL traces, compiled by
regl at run time — ``'unsafe-eval'``; frames from anywhere are refused.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response

DEFAULT_SECRET_FILE = Path(__file__).resolve().parent.parent / "db" / ".secret_key"
#: Secrets the app refuses outside debugging and tests: the old default and the empty one.
_WEAK_SECRETS = {"", "dev", "changeme", "secret"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _protect(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def load_secret_key(app: Flask) -> None:
    """Use ``FLASK_SECRET_KEY``, else the key ``make run`` generates in ``db/.secret_key``.

    Outside debugging and testing the app refuses to start with no key or a well-known one,
    since anyone could then forge a logged-in session.
    """
    key = str(app.config.get("SECRET_KEY") or "")
    if key in _WEAK_SECRETS:
        path = Path(app.config.get("SECRET_KEY_FILE") or DEFAULT_SECRET_FILE)
        try:
            key = path.read_text(encoding="utf-8").strip()
        except OSError:
            key = ""
        if key:
            app.config["SECRET_KEY"] = key
    if str(app.config.get("SECRET_KEY") or "") in _WEAK_SECRETS and not (app.debug or app.testing):
        raise RuntimeError(
            "No secret key: set FLASK_SECRET_KEY to a long random value (python -c 'import secrets; "
            "print(secrets.token_hex(32))'), or run `make run` once, which writes db/.secret_key."
        )


def init_app(app: Flask) -> None:
    """A real secret key, and the protective headers on every response."""
    load_secret_key(app)
    app.after_request(_protect)
