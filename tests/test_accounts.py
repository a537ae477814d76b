"""Accounts: who may write, logging in, API tokens, roles, the audit trail, and writes under contention."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlmodel import col, select

from tests.helpers import EDITOR, EDITOR_PASSWORD, EDITOR_TOKEN, EXAMPLE_EVENT, add_editor, log_in, valid_form
from tracker import create_app
from tracker.db import get_engine, get_session
from tracker.models import AuditEntry, ContactEvent, EventChange, Official
from tracker.store import events as stored
from tracker.store import users

SAFE = {"GET", "HEAD", "OPTIONS"}
#: Values for the variables of write URLs: an id of something recorded in the seeds, a lane key.
URL_VALUES = {
    "event_id": 1,
    "official_id": 1,
    "post_id": 1,
    "tenure_id": 1,
    "alias_id": 1,
    "context_id": 1,
    "user_id": 1,
    "token_id": 1,
    "key": "p1-p2",
    "token": "x" * 32,
}


def api_event(**overrides: Any) -> dict[str, Any]:
    return {**EXAMPLE_EVENT, "date_end": None, **overrides}


def write_urls(app: Flask) -> list[tuple[str, str, str]]:
    """(method, url, endpoint) of every rule that takes a method other than a read."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            for method in sorted((rule.methods or set()) - SAFE):
                values = {name: URL_VALUES.get(name, 1) for name in rule.arguments}
                url = app.url_for(rule.endpoint, **values)
                found.append((method, url, rule.endpoint))
    return found


def snapshot(app: Flask) -> tuple[int, int, int, int]:
    with app.app_context():
        session = get_session()
        return (
            len(session.exec(select(ContactEvent)).all()),
            len(session.exec(select(EventChange)).all()),
            len(session.exec(select(AuditEntry)).all()),
            len(session.exec(select(Official)).all()),
        )


def test_every_write_refuses_nobody_and_changes_nothing(seeded: Flask, anonymous: FlaskClient) -> None:
    urls = [u for u in write_urls(seeded) if u[2] not in ("accounts.do_login",)]
    assert len(urls) >= 23  # the 23 write endpoints the issue counted, and the new ones
    before = snapshot(seeded)
    for method, url, endpoint in urls:
        response = anonymous.open(url, method=method, json={} if url.startswith("/api") else None)
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url, response.status_code)
            assert response.get_json()["error"], url
        else:
            assert response.status_code == 302, (method, url, endpoint, response.status_code)
            assert response.headers["Location"].startswith("/login"), url
    assert snapshot(seeded) == before


def test_a_viewer_reads_but_cannot_write(seeded: Flask, anonymous: FlaskClient) -> None:
    with seeded.app_context():
        add_editor(get_engine(), name="Vera Viewer", role="viewer", token="ctt_viewer-token-000000000000")
        viewer_id = users.authenticate(get_session(), "Vera Viewer", EDITOR_PASSWORD).id  # type: ignore[union-attr]
    log_in(anonymous, viewer_id)
    assert anonymous.get("/").status_code == 200
    assert anonymous.post("/events/new", data=valid_form()).status_code == 403
    anonymous.environ_base["HTTP_AUTHORIZATION"] = "Bearer ctt_viewer-token-000000000000"
    answer = anonymous.post("/api/events", json=api_event())
    assert answer.status_code == 403 and "may read but not change" in answer.get_json()["error"]
    assert anonymous.get("/api/events").status_code == 200


def test_the_api_writes_with_a_token_never_with_the_cookie_alone(seeded: Flask, client: FlaskClient) -> None:
    # a logged-in browser on another site's form: the session cookie goes along, no token does
    del client.environ_base["HTTP_AUTHORIZATION"]
    assert client.delete("/api/events/1").status_code == 401
    restore = client.post("/api/events/1/restore")
    assert restore.status_code == 401 and "API token" in restore.get_json()["error"]
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer ctt_not-a-token-at-all-0000000"
    assert client.post("/api/events", json=api_event()).status_code == 401
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {EDITOR_TOKEN}"
    assert client.post("/api/events", json=api_event()).status_code == 201


def test_a_token_is_shown_once_works_and_stops_when_revoked(app: Flask, client: FlaskClient) -> None:
    page = client.post("/account/tokens", data={"label": "import script"}).get_data(as_text=True)
    token = re.search(r'<code class="token" id="new-token">(ctt_[^<]+)</code>', page)
    assert token, page
    assert token[1] not in client.get("/account").get_data(as_text=True)  # never shown again
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token[1]}"
    assert api.post("/api/events", json=api_event()).status_code == 201
    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', page)
    assert token_id
    client.post(f"/account/tokens/{token_id[1]}/revoke")
    assert api.post("/api/events", json=api_event(date="2023-04-01")).status_code == 401
    with app.app_context():
        assert all(t.digest != token[1] for t in users.list_tokens(get_session(), 1))  # stored hashed


def test_logging_in_and_out(app: Flask, anonymous: FlaskClient) -> None:
    bad = anonymous.post("/login", data={"name": EDITOR, "password": "wrong password!"})
    assert bad.status_code == 400 and "do not match" in bad.get_data(as_text=True)
    good = anonymous.post(
        "/login", data={"name": EDITOR.upper(), "password": EDITOR_PASSWORD, "next": "/pairs"}
    )
    assert good.status_code == 302 and good.headers["Location"] == "/pairs"
    assert EDITOR in anonymous.get("/").get_data(as_text=True)
    assert anonymous.post("/events/new", data=valid_form()).status_code in (302, 303)
    anonymous.post("/logout")
    assert anonymous.post("/events/new", data=valid_form(date="2023-04-02")).status_code == 302
    assert "Log in" in anonymous.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"]
)
def test_login_never_sends_you_to_another_site(app: Flask, anonymous: FlaskClient, target: str) -> None:
    answer = anonymous.post("/login", data={"name": EDITOR, "password": EDITOR_PASSWORD, "next": target})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_failed_logins_are_limited_across_clients(app: Flask) -> None:
    app.config["LOGIN_ATTEMPTS_PER_NAME"] = 3
    for _ in range(3):
        # a fresh client each time: the count is kept in the database, not in a cookie or a worker
        assert (
            app.test_client().post("/login", data={"name": EDITOR, "password": "guess guess"}).status_code
            == 400
        )
    blocked = app.test_client().post("/login", data={"name": EDITOR, "password": EDITOR_PASSWORD})
    assert blocked.status_code == 429 and "too many failed logins" in blocked.get_data(as_text=True)
    other = app.test_client().post("/login", data={"name": "someone else", "password": "guess guess"})
    assert other.status_code == 400  # another name is not blocked by this one's failures


def test_create_user_command(app: Flask, runner: FlaskCliRunner) -> None:
    made = runner.invoke(
        args=["create-user", "Ada Admin", "--role", "admin", "--password-stdin"],
        input="a long secret phrase\n",
    )
    assert made.exit_code == 0 and "Added admin Ada Admin" in made.output
    again = runner.invoke(
        args=["create-user", "ada admin", "--password-stdin"], input="a long secret phrase\n"
    )
    assert again.exit_code != 0 and "already a user Ada Admin" in again.output
    short = runner.invoke(args=["create-user", "Bob", "--password-stdin"], input="short\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    with app.app_context():
        assert users.authenticate(get_session(), "Ada Admin", "a long secret phrase") is not None


def test_only_admins_manage_users_and_the_last_admin_stays(app: Flask, client: FlaskClient) -> None:
    assert client.get("/users").status_code == 403
    with app.app_context():
        admin = users.create_user(
            get_session(), name="Ada Admin", password="a long secret phrase", role="admin"
        )
    log_in(client, admin.id)
    assert client.get("/users").status_code == 200
    added = client.post(
        "/users", data={"name": "New Editor", "password": "another long one", "role": "editor"}
    )
    assert added.status_code == 302
    short = client.post("/users", data={"name": "Shorty", "password": "short", "role": "editor"})
    assert short.status_code == 400 and "at least 10 characters" in short.get_data(as_text=True)
    demote = client.post(f"/users/{admin.id}", data={"role": "editor", "active": "yes"})
    assert demote.status_code == 400 and "last active admin" in demote.get_data(as_text=True)


def test_user_names_refuse_direction_controls(app: Flask, client: FlaskClient) -> None:
    # "Ada \u202eAdmin" would show the role and the words after the name reversed (#11)
    with app.app_context():
        admin = users.create_user(
            get_session(), name="Ada Admin", password="a long secret phrase", role="admin"
        )
    log_in(client, admin.id)
    spoof = client.post(
        "/users", data={"name": "Eve \u202enimdA", "password": "another long one", "role": "viewer"}
    )
    assert spoof.status_code == 400 and "direction control" in spoof.get_data(as_text=True)
    assert "Eve" not in client.get("/users").get_data(as_text=True)
    markup = client.post(
        "/users", data={"name": "<b>Eve</b>", "password": "another long one", "role": "viewer"}
    )
    assert markup.status_code == 302 and "&lt;b&gt;Eve&lt;/b&gt;" in client.get("/users").get_data(
        as_text=True
    )


def test_the_app_refuses_to_start_without_a_real_secret_key(tmp_path: Path) -> None:
    config = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "SECRET_KEY_FILE": str(tmp_path / "none"),
    }
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY"):
        create_app({**config, "SECRET_KEY": "dev"})
    (tmp_path / "key").write_text("f" * 64)
    app = create_app({**config, "SECRET_KEY_FILE": str(tmp_path / "key")})
    assert app.config["SECRET_KEY"] == "f" * 64


@pytest.mark.parametrize("path", ["/", "/events/1", "/api/events", "/no/such/page", "/static/style.css"])
def test_every_response_carries_the_protective_headers(seeded: Flask, client: FlaskClient, path: str) -> None:
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert (
        "frame-ancestors 'none'" in csp
        and "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("style-src")[0]
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_httponly_and_samesite(app: Flask, anonymous: FlaskClient) -> None:
    answer = anonymous.post("/login", data={"name": EDITOR, "password": EDITOR_PASSWORD})
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_writes_record_who_made_them(seeded: Flask, client: FlaskClient) -> None:
    created = client.post("/api/events", json=api_event())
    event_id = created.get_json()["id"]
    client.post("/context/1/delete")
    key = client.get("/api/pairs").get_json()["items"][0]["pair_key"]
    assert client.post(f"/pairs/{key}/alert", data={"warn_factor": "3", "alarm_days": ""}).status_code == 302
    with seeded.app_context():
        history = stored.event_history(get_session(), event_id)
        assert [c.changed_by for c in history] == [EDITOR]
        audits = get_session().exec(select(AuditEntry).where(col(AuditEntry.entity) == "context")).all()
        deleted = [a for a in audits if a.action == "deleted"]
        assert deleted and deleted[0].by == EDITOR and deleted[0].changes["title"]


def _hammer(app: Flask, bodies: list[dict[str, Any]], threads: int) -> list[int]:
    statuses: list[int] = []
    lock = threading.Lock()

    def work(chunk: list[dict[str, Any]]) -> None:
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {EDITOR_TOKEN}"
        for body in chunk:
            code = client.post("/api/events", json=body).status_code
            with lock:
                statuses.append(code)

    pool = [threading.Thread(target=work, args=(bodies[i::threads],)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return statuses


@pytest.mark.slow
def test_sixteen_writers_store_each_contact_once_and_never_fail(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    # 20 distinct contacts, each sent by 8 writers at once, with officials none of them has recorded
    bodies = [
        api_event(
            date=f"2023-0{1 + i % 9}-{10 + i // 9:02d}",
            official_b=f"Official Number{i % 4}",
            role_b="",
            country_b="Russia",
            confirm_new=True,
        )
        for i in range(20)
        for _ in range(8)
    ]
    statuses = _hammer(app, bodies, threads=16)
    assert len(statuses) == 160
    assert not [s for s in statuses if s >= 500]
    assert statuses.count(201) == 20
    assert set(statuses) <= {201, 409}
    with app.app_context():
        stored_events = get_session().exec(select(ContactEvent)).all()
        assert len(stored_events) == 20
        names = [o.name for o in get_session().exec(select(Official))]
        assert len(names) == len(set(names)) == 5


def test_the_api_refuses_a_stale_change_with_412(seeded: Flask, client: FlaskClient) -> None:
    first = client.get("/api/events/1")
    etag = first.headers["ETag"]
    assert etag == '"v1"'
    ok = client.patch("/api/events/1", json={"summary": "first editor"}, headers={"If-Match": etag})
    assert ok.status_code == 200 and ok.headers["ETag"] == '"v2"'
    stale = client.patch("/api/events/1", json={"summary": "second editor"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and "changed by someone else" in stale.get_json()["error"]
    assert client.get("/api/events/1").get_json()["summary"] == "first editor"
    junk = client.patch("/api/events/1", json={"summary": "x"}, headers={"If-Match": "yesterday"})
    assert junk.status_code == 412


def test_a_stale_edit_form_is_refused_and_shows_the_other_change(seeded: Flask, client: FlaskClient) -> None:
    form = client.get("/events/1/edit").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version and version[1] == "1"
    values = dict(re.findall(r'<input id="(\w+)" name="\1" type="[a-z]+" value="([^"]*)"', form))
    assert client.patch("/api/events/1", json={"summary": "changed through the API"}).status_code == 200
    stale = client.post("/events/1/edit", data={**valid_form(), **values, "summary": "mine", "version": "1"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else saved this event meanwhile" in page and "changed through the API" in page
    assert 'value="mine"' in page or ">mine<" in page  # what the user typed is kept
    with seeded.app_context():
        assert stored.get_event(get_session(), 1).summary == "changed through the API"  # type: ignore[union-attr]
    again = client.post("/events/1/edit", data={**valid_form(), **values, "summary": "mine", "version": "2"})
    assert again.status_code == 302


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("PUT", "/api/events/2147483648", 404),
        ("PATCH", "/api/events/99999999999", 404),
        ("GET", "/api/pairs?as_of=0", 422),
        ("GET", "/api/pairs?as_of=1700000000", 422),
        ("GET", "/api/pairs?as_of=0001-01-01", 422),
    ],
)
def test_api_edges_answer_the_right_json_error(
    client: FlaskClient, method: str, url: str, status: int
) -> None:
    answer = client.open(url, method=method, json={"summary": "x"} if method != "GET" else None)
    assert answer.status_code == status and answer.is_json and answer.get_json()["error"]


def test_a_body_too_large_for_the_api_is_a_json_413(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1000
    answer = client.post("/api/events", data="x" * 5000, content_type="application/json")
    assert answer.status_code == 413 and answer.get_json()["error"]


def test_nobody_is_offered_add_event_buttons_but_an_editor_is(
    seeded: Flask, client: FlaskClient, anonymous: FlaskClient
) -> None:
    key = next(p["pair_key"] for p in client.get("/api/pairs?lanes=post").get_json()["items"])
    for path in ("/", f"/pairs/{key}"):
        assert 'href="/events/new">Add event</a>' not in anonymous.get(path).get_data(as_text=True)
        assert 'href="/events/new">Add event</a>' in client.get(path).get_data(as_text=True)
