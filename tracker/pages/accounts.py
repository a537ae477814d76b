"""Logging in and out, one's own API tokens, and (admins) the users: /login, /account, /users."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from tracker.auth import LoginUser, account, admin_only, login_window, public, safe_next, signed_in
from tracker.db import get_session
from tracker.store import InputError, users

bp = Blueprint("accounts", __name__)


def _client_address() -> str:
    return request.remote_addr or "unknown"


@bp.get("/login")
@public
def login() -> str:
    """The login form."""
    return render_template(
        "login.html",
        values={"next": request.args.get("next", "")},
        errors={},
        no_users=not users.count_users(get_session()),
    )


@bp.post("/login")
@public
def do_login() -> tuple[str, int] | BaseResponse:
    """Log in; failed attempts are counted per name and per address, across workers."""
    session = get_session()
    name = request.form.get("name", "").strip()[:200]
    password = request.form.get("password", "")
    values = {"name": name, "next": request.form.get("next", "")}
    keys = [f"name:{name.lower()}", f"ip:{_client_address()}"]
    failures = users.recent_failures(session, keys, within=login_window())
    limits = (current_app.config["LOGIN_ATTEMPTS_PER_NAME"], current_app.config["LOGIN_ATTEMPTS_PER_ADDRESS"])
    if failures.get(keys[0], 0) >= limits[0] or failures.get(keys[1], 0) >= limits[1]:
        minutes = int(login_window().total_seconds() // 60)
        errors = {"password": f"too many failed logins: wait {minutes} minutes and try again"}
        page = render_template("login.html", values=values, errors=errors, no_users=False)
        return page, 429
    found = users.authenticate(session, name, password) if name and password else None
    if found is None:
        users.record_failure(session, keys, keep=login_window())
        errors = {"password": "that name and password do not match an active user"}
        if not name:
            errors = {"name": "give your user name"}
        return render_template("login.html", values=values, errors=errors, no_users=False), 400
    users.clear_failures(session, keys[0])
    login_user(LoginUser(found))
    flash(f"Logged in as {found.name}.", "success")
    return redirect(safe_next(values["next"]) or url_for("timeline.timeline"))


@bp.post("/logout")
@signed_in
def logout() -> BaseResponse:
    logout_user()
    flash("Logged out.", "success")
    return redirect(url_for("timeline.timeline"))


@bp.get("/account")
@signed_in
def my_account() -> str:
    """One's role and API tokens."""
    me = account()
    assert me is not None
    return render_template(
        "account.html", me=me, tokens=users.list_tokens(get_session(), me.id), new_token=None
    )


@bp.post("/account/tokens")
@signed_in
def create_token() -> str | BaseResponse:
    """A new API token, shown once."""
    me = account()
    assert me is not None
    if not me.can_edit:
        flash("API tokens are for writing, which your role may not do.", "error")
        return redirect(url_for("accounts.my_account"))
    label = request.form.get("label", "")
    token = users.create_token(get_session(), me.id, label=label)
    return render_template(
        "account.html", me=me, tokens=users.list_tokens(get_session(), me.id), new_token=token
    )


@bp.post("/account/tokens/<id:token_id>/revoke")
@signed_in
def revoke_token(token_id: int) -> BaseResponse:
    me = account()
    assert me is not None
    if not users.revoke_token(get_session(), me.id, token_id):
        abort(404)
    flash("Token revoked: it no longer opens the API.", "success")
    return redirect(url_for("accounts.my_account"))


@bp.get("/users")
@admin_only
def user_list() -> str:
    return render_template(
        "users.html", users=users.list_users(get_session()), values={}, errors={}, roles=users.ROLE_LABELS
    )


@bp.post("/users")
@admin_only
def add_user() -> tuple[str, int] | BaseResponse:
    session = get_session()
    values = {k: request.form.get(k, "") for k in ("name", "role")}
    try:
        added = users.create_user(
            session,
            name=values["name"],
            password=request.form.get("password", ""),
            role=values["role"] or "editor",
        )
    except InputError as exc:
        page = render_template(
            "users.html",
            users=users.list_users(session),
            values=values,
            errors=exc.errors,
            roles=users.ROLE_LABELS,
        )
        return page, 400
    flash(f"Added {added.name} ({added.role}).", "success")
    return redirect(url_for("accounts.user_list"))


@bp.post("/users/<id:user_id>")
@admin_only
def change_user(user_id: int) -> tuple[str, int] | BaseResponse:
    session = get_session()
    role = request.form.get("role") or None
    active = {"yes": True, "no": False}.get(request.form.get("active", ""))
    password = request.form.get("password") or None
    try:
        changed = users.update_user(session, user_id, role=role, active=active, password=password)
    except InputError as exc:
        if "user" in exc.errors:
            abort(404)
        page = render_template(
            "users.html",
            users=users.list_users(session),
            values={},
            errors=exc.errors,
            roles=users.ROLE_LABELS,
        )
        return page, 400
    flash(f"Saved {changed.name}: {changed.role}, {'active' if changed.active else 'disabled'}.", "success")
    return redirect(url_for("accounts.user_list"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
