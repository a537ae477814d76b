"""Who may do what: logins (Flask-Login), API tokens, roles, and the rule applied to every request.

Reading is public unless ``READ_REQUIRES_LOGIN`` is set. Every request that is not a read
(any method but GET, HEAD and OPTIONS) needs an editor: logged in, for the pages (which also
carry a CSRF token), or with an API token (``Authorization: Bearer …``), for the API, where a
session cookie is never enough, so no other site can make a browser write. Views marked
``admin_only`` need an admin for any method; ``public`` views (the login page) need nobody.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, flash, g, redirect, request, url_for
from flask_login import LoginManager, UserMixin, current_user
from werkzeug.wrappers import Response as BaseResponse

from tracker.db import get_session
from tracker.store import registry, users
from tracker.store.users import Account

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Endpoints anyone may use, whatever the settings: the app's own files and logging in.
_ALWAYS_OPEN = frozenset({"static", "site.plotly_js", "site.favicon"})

login_manager = LoginManager()

F = TypeVar("F", bound=Callable[..., Any])


def _marked(access: str, doc: str) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view._access = access  # type: ignore[attr-defined]
        return view

    mark.__doc__ = doc
    return mark


#: A view that needs no login for any method (logging in itself).
public = _marked("public", "Mark a view that needs no login for any method.")
#: A view only admins may use, for reading too.
admin_only = _marked("admin", "Mark a view that only admins may use, for reading too.")
#: A page only editors may open (a form that changes the record).
editors_only = _marked("editor", "Mark a page that only editors may open.")
#: A view any logged-in user may use, for writing too (their own account).
signed_in = _marked("user", "Mark a view any logged-in user may use for writing too.")


class LoginUser(UserMixin):
    """The logged-in user as Flask-Login holds them."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.id = account.id

    @property
    def is_active(self) -> bool:
        return self.account.active


def account() -> Account | None:
    """The user making this request (logged in, or by API token), or None."""
    found: Account | None = g.get("account")
    return found


def can_edit() -> bool:
    found = account()
    return found is not None and found.can_edit


def is_admin() -> bool:
    found = account()
    return found is not None and found.is_admin


@login_manager.user_loader
def _load_user(user_id: str) -> LoginUser | None:
    if not user_id.isdigit() or len(user_id) > 10:
        return None
    found = users.get_account(get_session(), int(user_id))
    return LoginUser(found) if found is not None and found.active else None


def _json_error(status: int, message: str) -> Response:
    body = json.dumps({"error": message, "fields": {}})
    response = Response(body, status=status, mimetype="application/json")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="contact tracker"'
    return response


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def _token_account() -> Account | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return users.account_for_token(get_session(), token.strip())


def safe_next(target: str | None) -> str | None:
    """A path on this site to go back to after logging in, or None (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _to_login(message: str) -> BaseResponse:
    flash(message, "error")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _guard() -> BaseResponse | None:
    """Apply the access rule to this request (see the module's docstring)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in _ALWAYS_OPEN:
        return None
    view = current_app.view_functions.get(endpoint)
    access = getattr(view, "_access", "")
    api = _is_api()
    header = request.headers.get("Authorization")
    if api and header:
        found = _token_account()
        if found is None:
            return _json_error(401, "the API token is not valid (revoked, or its user is disabled)")
    else:
        found = current_user.account if current_user.is_authenticated else None
    g.account = found
    g.actor_token = registry.acting_as(found.name if found else "")
    if access == "public":
        return None
    writing = request.method not in SAFE_METHODS
    if api and writing and found is not None and not header:
        return _json_error(401, "writing through the API needs an API token: Authorization: Bearer <token>")
    if found is None and (
        writing or access in ("admin", "editor", "user") or current_app.config["READ_REQUIRES_LOGIN"]
    ):
        if api:
            return _json_error(401, "log in first: this needs an API token (Authorization: Bearer <token>)")
        return _to_login("Log in to do that." if writing or access else "Log in to read the record.")
    if found is None:
        return None
    if access == "admin" and not found.is_admin:
        return _json_error(403, "only admins may do that") if api else _forbidden("Only admins may do that.")
    if (writing or access == "editor") and access != "user" and not found.can_edit:
        return (
            _json_error(403, "your role may read but not change the record")
            if api
            else _forbidden("Your role may read but not change the record.")
        )
    return None


def _forbidden(message: str) -> BaseResponse:
    abort(403, description=message)


def _release(_exc: BaseException | None = None) -> None:
    token = g.pop("actor_token", None)
    if token is not None:
        registry.done_acting(token)


def init_app(app: Flask) -> None:
    """Logins, the access rule for every request, and the session cookie's settings."""
    app.config.setdefault("READ_REQUIRES_LOGIN", False)
    #: failed logins allowed per user name, and per address, in LOGIN_WINDOW_SECONDS
    app.config.setdefault("LOGIN_ATTEMPTS_PER_NAME", 5)
    app.config.setdefault("LOGIN_ATTEMPTS_PER_ADDRESS", 30)
    app.config.setdefault("LOGIN_WINDOW_SECONDS", 15 * 60)
    # Flask's defaults name these settings already (SameSite unset, Secure off): set what is unset
    for cookie in ("SESSION", "REMEMBER"):
        app.config[f"{cookie}_COOKIE_HTTPONLY"] = True
        if not app.config.get(f"{cookie}_COOKIE_SAMESITE"):
            app.config[f"{cookie}_COOKIE_SAMESITE"] = "Lax"
        if app.config.get("PREFERRED_URL_SCHEME") == "https":
            app.config[f"{cookie}_COOKIE_SECURE"] = True
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    app.before_request(_guard)
    app.teardown_request(_release)

    @app.context_processor
    def _who() -> dict[str, object]:
        return {"account": account(), "can_edit": can_edit(), "is_admin": is_admin()}


def login_window() -> dt.timedelta:
    return dt.timedelta(seconds=int(current_app.config["LOGIN_WINDOW_SECONDS"]))
