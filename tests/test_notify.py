"""Watches and their notices, with real parts: a local HTTP receiver for webhooks, a local SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlmodel import select

from tests.helpers import EXAMPLE_EVENT, add_editor, event, log_in, make_csv
from tests.receivers import Receiver, running
from tracker import notify, watching
from tracker.db import get_engine, get_session
from tracker.models import Delivery, User, Watch
from tracker.store import alert_log
from tracker.store import watches as watch_store

CHAIRMEN = "US Chairman of the Joint Chiefs of Staff – Russian Chief of the General Staff"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running() as found:
        yield found


class Inbox:
    """What the local SMTP server was handed."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _mail_server(app: Flask) -> Iterator[Inbox]:
    """A local SMTP server (aiosmtpd) that the app is set to send through."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_DEFAULT_SENDER="tracker@example.org"
    )
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp(app: Flask) -> Iterator[Inbox]:
    with _mail_server(app) as inbox:
        yield inbox


@pytest.fixture(autouse=True)
def _send_only_when_asked(app: Flask) -> None:
    """Notices go out when a test runs the check (the background sender after writes is tested on its own)."""
    app.config["NOTIFY_AFTER_WRITES"] = False


def _lane_key(app: Flask, label: str) -> str:
    with app.app_context():
        from tracker import board

        rows = board.stored_rows(get_session(), "post", as_of=dt.date(2026, 12, 2))
        return next(r.key for r in rows if r.label == label)


def _watch(client: FlaskClient, **fields: str) -> tuple[int, str]:
    """Make a watch through the form; returns its id and the secret the page showed (if any)."""
    form = {"kind": "pair", "levels": "1", **fields}
    answer = client.post("/watches", data=form)
    assert answer.status_code in (201, 302), answer.get_data(as_text=True)[:2000]
    page = answer.get_data(as_text=True)
    secret = re.search(r"whsec_[A-Za-z0-9_-]+", page)
    location = answer.headers.get("Location", "")
    found = re.search(r"/watches/(\d+)", location or page)
    assert found
    return int(found.group(1)), secret.group(0) if secret else ""


def _deliveries(app: Flask) -> list[Delivery]:
    with app.app_context():
        return list(get_session().exec(select(Delivery).order_by(Delivery.id)))


def test_a_change_of_level_reaches_the_webhook_and_the_mailbox_once(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, receiver: Receiver, smtp: Inbox
) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    runner.invoke(args=["check-alerts", "--as-of", "2021-01-01"])
    watch_id, secret = _watch(
        client, line=key, webhook_url=receiver.url, email_mode="immediate", email="analyst@example.org"
    )
    assert secret.startswith("whsec_")
    assert secret not in client.get(f"/watches/{watch_id}").get_data(as_text=True)  # shown once
    assert CHAIRMEN in client.get("/watches").get_data(
        as_text=True
    )  # named after the line when no label is given

    first = runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    assert first.exit_code == 1, first.output  # a line in alarm
    assert "Notices: " in first.output and " sent" in first.output
    bodies = receiver.bodies()
    assert bodies and all(b["type"] == "level_change" and b["line"]["key"] == key for b in bodies)
    assert bodies[-1]["level_to"] == "alarm" and bodies[-1]["reason"]
    assert bodies[-1]["line"]["url"].endswith(f"/pairs/{key}")
    for request in receiver.received:  # each body signed with the secret shown once
        expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
        assert request["headers"]["X-Tracker-Signature"] == expected
        assert request["headers"]["Content-Type"] == "application/json"
    assert len(smtp.messages) == len(bodies), first.output
    mail = smtp.messages[-1]
    assert mail["To"] == "analyst@example.org" and "Alarm" in mail["Subject"] and CHAIRMEN in mail["Subject"]
    assert f"/pairs/{key}" in mail.get_content()  # type: ignore[attr-defined]

    again = runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    assert "0 changes" in again.output and "0 queued" in again.output
    assert len(receiver.bodies()) == len(bodies) and len(smtp.messages) == len(bodies)  # once, not every run
    page = client.get(f"/watches/{watch_id}").get_data(as_text=True)
    assert "Delivery log" in page and "sent" in page and "alarm" in page


def test_other_lines_are_not_sent_and_a_dyad_watch_hears_its_lines(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    with seeded.app_context():
        from tracker import board

        rows = board.stored_rows(get_session(), "post", as_of=dt.date(2026, 12, 2))
        other = next(r for r in rows if r.key != key and r.alert.level == "alarm")
        dyad = other.dyad
    _watch(client, line=other.key, webhook_url=receiver.url)
    _watch(client, kind="dyad", dyad=dyad, webhook_url=receiver.url + "?dyad")
    runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    pair_bodies = [
        b for r, b in zip(receiver.received, receiver.bodies(), strict=True) if r["path"] == "/hook"
    ]
    dyad_bodies = [
        b for r, b in zip(receiver.received, receiver.bodies(), strict=True) if r["path"] != "/hook"
    ]
    assert pair_bodies and {b["line"]["key"] for b in pair_bodies} == {other.key}
    assert {r.key for r in rows if r.dyad == dyad} >= {b["line"]["key"] for b in dyad_bodies}
    assert len({b["line"]["key"] for b in dyad_bodies}) >= 2  # every line of the dyad, not one
    # the first check sees every line "new": only a line already in warning or alarm is news
    assert all(b["level_from"] or b["level_to"] in ("warn", "alarm") for b in receiver.bodies())
    with seeded.app_context():
        first_seen = [c for c in alert_log.recent(get_session()) if not c.level_from and c.level_to == "none"]
    assert first_seen, "the seed has a line without a baseline"


def test_a_failing_endpoint_is_retried_with_backoff_then_given_up(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    _watch(client, line=key, webhook_url=receiver.url)
    receiver.status = 503
    result = runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    assert "failed (retried later)" in result.output and "503" in result.output
    failed = _deliveries(seeded)
    assert failed and all(
        d.status == "pending" and d.attempts == 1 and d.response_status == 503 for d in failed
    )
    waits = [(d.next_attempt_at - d.created_at).total_seconds() for d in failed]
    assert all(50 <= w <= 120 for w in waits)  # the first retry about a minute later
    with seeded.app_context():
        soon = notify.dispatch(get_session(), seeded.config)  # not due yet: nothing sent again
        assert soon.sent == soon.failed == 0
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
        receiver.status = 200
        retried = notify.dispatch(get_session(), seeded.config, now=later)
        assert retried.sent == len(failed)
    assert all(d.status == "sent" and d.attempts == 2 for d in _deliveries(seeded))

    receiver.status = 500
    runner.invoke(
        args=["check-alerts", "--as-of", "2021-01-01"]
    )  # the line's level changes back: a new notice
    with seeded.app_context():
        watch_store_rows = [d for d in _deliveries(seeded) if d.status != "sent"]
        moment = dt.datetime.now(dt.UTC)
        for _ in range(watch_store.MAX_ATTEMPTS + 1):
            moment += watch_store.MAX_BACKOFF * dt.timedelta(seconds=1) + dt.timedelta(minutes=1)
            notify.dispatch(get_session(), seeded.config, now=moment)
    given_up = [d for d in _deliveries(seeded) if d.id in {r.id for r in watch_store_rows}]
    assert watch_store_rows and all(
        d.status == "failed" and d.attempts == watch_store.MAX_ATTEMPTS for d in given_up
    )


def test_backoff_doubles_up_to_a_cap() -> None:
    waits = [watch_store.backoff(n).total_seconds() for n in range(1, 12)]
    assert waits[:4] == [60, 120, 240, 480]
    assert max(waits) == watch_store.MAX_BACKOFF and waits == sorted(waits)


def test_a_stuck_endpoint_never_holds_up_a_write(
    seeded: Flask, client: FlaskClient, receiver: Receiver
) -> None:
    seeded.config["NOTIFY_AFTER_WRITES"] = True
    watch_id, _ = _watch(
        client, kind="filter", query="status=refused", levels="", new_events="1", webhook_url=receiver.url
    )
    receiver.release.clear()  # the endpoint takes the request and does not answer until released
    answer = client.post("/api/events", json={**EXAMPLE_EVENT, "status": "refused", "date_end": None})
    assert answer.status_code == 201
    assert receiver.arrived.wait(10), "the notice was sent in the background"
    [held] = [d for d in _deliveries(seeded) if d.topic == "event"]
    assert held.status == "sending"  # the write was answered while its notice is still on its way
    receiver.release.set()
    watching.send_soon(seeded).result(timeout=15)  # the sender thread finishes what it was doing
    [sent] = [d for d in _deliveries(seeded) if d.topic == "event"]
    assert sent.status == "sent" and sent.attempts == 1
    body = receiver.bodies()[0]
    assert (
        body["type"] == "new_event"
        and body["event"]["status"] == "refused"
        and body["watch"]["id"] == watch_id
    )


def test_new_events_are_sent_only_when_the_saved_filter_keeps_them(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    _watch(client, kind="filter", query="status=refused", levels="", new_events="1", webhook_url=receiver.url)
    client.post("/api/events", json={**EXAMPLE_EVENT, "status": "refused", "date_end": None})
    client.post("/api/events", json={**EXAMPLE_EVENT, "date": "2026-11-20", "date_end": None})
    runner.invoke(args=["check-alerts"])
    bodies = receiver.bodies()
    assert [b["event"]["status"] for b in bodies] == ["refused"]
    assert all(b["type"] == "new_event" for b in bodies)


def test_a_daily_digest_gathers_the_day_and_goes_once(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, smtp: Inbox
) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    runner.invoke(args=["check-alerts", "--as-of", "2021-01-01"])
    watch_id, _ = _watch(client, line=key, email_mode="daily", email="desk@example.org")
    with seeded.app_context():
        session = get_session()
        watch = session.get(Watch, watch_id)
        assert watch is not None
        made = watch.created_at
        made = made.astimezone(dt.UTC) if made.tzinfo else made.replace(tzinfo=dt.UTC)
        watching.queue_notices(session, as_of=dt.date(2026, 12, 2))
        waiting = [d for d in _deliveries(seeded) if d.channel == "digest"]
        assert waiting and all(d.status == "pending" for d in waiting)
        hour = seeded.config["MAIL_DIGEST_HOUR"]
        next_digest = made.replace(hour=hour, minute=5, second=0, microsecond=0) + dt.timedelta(days=1)
        notify.dispatch(session, seeded.config, now=next_digest - dt.timedelta(days=1, minutes=10))
        assert smtp.messages == []  # before the day's digest hour: nothing
        notify.dispatch(session, seeded.config, now=next_digest)
        notify.dispatch(session, seeded.config, now=next_digest + dt.timedelta(hours=3))
    [mail] = smtp.messages
    assert "Daily digest" in mail["Subject"] and mail["To"] == "desk@example.org"
    text = mail.get_content()  # type: ignore[attr-defined]
    assert text.count("* ") == len(waiting) and "alarm" in text
    assert all(d.status == "sent" for d in _deliveries(seeded) if d.channel == "digest")


def test_email_without_a_mail_server_waits_and_says_why(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    page = client.get("/watches").get_data(as_text=True)
    assert "Email is not set up on this server" in page
    _watch(client, line=key, email_mode="immediate", email="a@example.org")
    result = runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    assert "FLASK_MAIL_SERVER" in result.output
    waiting = _deliveries(seeded)
    assert waiting and all(d.status == "pending" and "FLASK_MAIL_SERVER" in d.last_error for d in waiting)
    assert all(
        d.attempts == 0 for d in waiting
    )  # nothing was tried: it waits, however long, until email is set up
    with seeded.app_context():
        much_later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
        for hours in range(0, 72, 2):
            notify.dispatch(get_session(), seeded.config, now=much_later + dt.timedelta(hours=hours))
    assert all(d.status == "pending" and d.attempts == 0 for d in _deliveries(seeded))
    with _mail_server(seeded) as inbox:
        with seeded.app_context():
            sent = notify.dispatch(get_session(), seeded.config, now=much_later + dt.timedelta(days=4))
        assert sent.sent == len(waiting) and len(inbox.messages) == len(waiting)


@pytest.mark.parametrize(
    ("form", "field", "words"),
    [
        ({"kind": "pair"}, "Line", "choose the line"),
        ({"kind": "dyad"}, "Dyad", "choose the dyad"),
        ({"kind": "filter", "query": "colour=red"}, "Saved filter", "unknown filter colour"),
        ({"kind": "filter", "query": "from=yesterday"}, "Saved filter", "from"),
        ({"kind": "filter", "query": ""}, "Saved filter", "give the filters"),
        ({"kind": "pair", "line": "1:2", "levels": ""}, "Tell me about", "at least one"),
        ({"kind": "pair", "line": "1:2", "email_mode": "immediate"}, "Email address", "give the address"),
        ({"kind": "pair", "line": "1:2", "email": "not an address"}, "Email address", "one email address"),
        ({"kind": "pair", "line": "1:2", "webhook_url": "ftp://example.org/x"}, "Webhook address", "http"),
        ({"kind": "pair", "line": "1:2", "webhook_url": "http://[::1/"}, "Webhook address", "http"),
        ({"kind": "pair", "line": "no-such-line"}, "Line", "no line no-such-line is recorded"),
        ({"kind": "dyad", "dyad": "Atlantis – Lemuria"}, "Dyad", "no line between Atlantis"),
        ({"kind": "parrot"}, "Watch", "choose what to watch"),
    ],
)
def test_a_bad_watch_is_refused_naming_the_field(
    app: Flask, client: FlaskClient, form: dict[str, str], field: str, words: str
) -> None:
    answer = client.post("/watches", data={"levels": "1", **form})
    assert answer.status_code == 400
    shown = [
        " ".join(re.sub(r"<[^>]+>", " ", m).split())
        for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', answer.get_data(as_text=True), re.S)
    ]
    assert any(m.startswith(field + " ") and words in m for m in shown), shown
    with app.app_context():
        assert watch_store.list_watches(get_session()) == []


def test_watches_are_private_to_their_owner(app: Flask, client: FlaskClient, anonymous: FlaskClient) -> None:
    watch_id, _ = _watch(client, kind="filter", query="country=China")
    assert (
        client.post("/watches", data={"kind": "filter", "query": "country=China", "levels": "1"}).status_code
        == 400
    )
    with app.app_context():
        add_editor(
            get_engine(), name="Other Viewer", role="viewer", token="ctt_other-viewer-token-0123456789"
        )
    other = app.test_client()
    log_in(other, 2)
    assert other.get(f"/watches/{watch_id}").status_code == 404
    assert other.post(f"/watches/{watch_id}/delete").status_code == 404
    assert other.get("/watches").status_code == 200  # a viewer may watch too
    own = other.post("/watches", data={"kind": "filter", "query": "country=China", "levels": "1"})
    assert own.status_code == 302
    assert anonymous.get("/watches").status_code in (302, 401)
    assert client.post(f"/watches/{watch_id}/delete").status_code == 302
    assert client.get(f"/watches/{watch_id}").status_code == 404


def test_changing_a_watch_and_replacing_its_secret(
    app: Flask, client: FlaskClient, receiver: Receiver
) -> None:
    watch_id, secret = _watch(client, kind="filter", query="country=Russia")
    assert secret == ""
    added = client.post(f"/watches/{watch_id}", data={"levels": "1", "webhook_url": receiver.url})
    first = re.search(r"whsec_[A-Za-z0-9_-]+", added.get_data(as_text=True))
    assert added.status_code == 200 and first  # adding a webhook shows its new secret once
    rotated = client.post(f"/watches/{watch_id}/secret").get_data(as_text=True)
    second = re.search(r"whsec_[A-Za-z0-9_-]+", rotated)
    assert second and second.group(0) != first.group(0)
    pinged = client.post(f"/watches/{watch_id}/test", follow_redirects=True).get_data(as_text=True)
    assert "The test ping was delivered" in pinged
    request = receiver.received[-1]
    assert json.loads(request["body"])["type"] == "ping"
    expected = "sha256=" + hmac.new(second.group(0).encode(), request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Tracker-Signature"] == expected
    bad = client.post(f"/watches/{watch_id}", data={"levels": "1", "email": "nope"})
    assert bad.status_code == 400 and "one email address" in bad.get_data(as_text=True)


def test_private_webhook_addresses_can_be_refused(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    seeded.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    _watch(client, line=_lane_key(seeded, CHAIRMEN), webhook_url=receiver.url)
    result = runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    assert "private or local network" in result.output and receiver.received == []


def test_the_alerts_feed_narrows_to_a_line_or_a_dyad(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    every = client.get("/feeds/alerts.atom").get_data(as_text=True)
    one = client.get(f"/feeds/alerts.atom?pair={key}").get_data(as_text=True)
    assert one.count("<entry>") >= 1 and one.count("<entry>") < every.count("<entry>")
    assert all(CHAIRMEN in title for title in re.findall(r"<title>([^<]*)</title>", one)[1:])
    dyad = client.get("/feeds/alerts.atom?dyad=United States – Russia").get_data(as_text=True)
    assert dyad.count("<entry>") >= one.count("<entry>")
    assert (
        client.get("/feeds/alerts.atom?dyad=Atlantis – Lemuria").get_data(as_text=True).count("<entry>") == 0
    )


def test_the_pair_page_and_the_timeline_offer_a_watch(
    seeded: Flask, client: FlaskClient, anonymous: FlaskClient
) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    pair = client.get(f"/pairs/{key}").get_data(as_text=True)
    assert f"/watches?kind=pair&amp;target={key.replace(':', '%3A')}" in pair or f"target={key}" in pair
    form = client.get(f"/watches?kind=pair&target={key}").get_data(as_text=True)
    assert re.search(rf'<option value="{re.escape(key)}" selected>', form)
    assert "Watch this filter" in client.get("/?status=refused").get_data(as_text=True)
    assert "Watch this line" not in anonymous.get(f"/pairs/{key}").get_data(as_text=True)


def test_a_backup_leaves_webhook_secrets_out(
    app: Flask, client: FlaskClient, tmp_path: Any, receiver: Receiver
) -> None:
    _, secret = _watch(client, kind="filter", query="country=China", webhook_url=receiver.url)
    assert secret
    with app.app_context():
        from tracker.store import backup

        backup.backup(get_session(), tmp_path / "b.jsonl")
    text = (tmp_path / "b.jsonl").read_text()
    assert secret not in text and '"t": "watch"' in text.replace('"t":"watch"', '"t": "watch"')


def test_two_senders_at_once_send_a_digest_once(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, smtp: Inbox
) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    runner.invoke(args=["check-alerts", "--as-of", "2021-01-01"])
    _watch(client, line=key, email_mode="daily", email="desk@example.org")
    with seeded.app_context():
        watching.queue_notices(get_session(), as_of=dt.date(2026, 12, 2))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    start = threading.Barrier(2)

    def send() -> None:
        with seeded.app_context():
            start.wait(5)
            notify.dispatch(get_session(), seeded.config, now=later)

    senders = [threading.Thread(target=send) for _ in range(2)]
    for t in senders:
        t.start()
    for t in senders:
        t.join(20)
    assert len(smtp.messages) == 1


def test_a_failed_digest_waits_its_backoff(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    runner.invoke(args=["check-alerts", "--as-of", "2021-01-01"])
    _watch(client, line=key, email_mode="daily", email="desk@example.org")
    seeded.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())  # nobody listens there
    with seeded.app_context():
        session = get_session()
        watching.queue_notices(session, as_of=dt.date(2026, 12, 2))
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        first = notify.dispatch(session, seeded.config, now=later)
        again = notify.dispatch(session, seeded.config, now=later + dt.timedelta(seconds=5))
    assert first.failed == 1 and again.failed == again.sent == 0
    items = [d for d in _deliveries(seeded) if d.channel == "digest"]
    assert items and all(d.attempts == 1 and d.status == "pending" for d in items)


def test_an_endpoint_that_is_not_http_fails_alone(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    liar = socket.socket()
    liar.bind(("127.0.0.1", 0))
    liar.listen(8)

    def answer_nonsense() -> None:
        for _ in range(8):
            try:
                conn, _ = liar.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b"SSH-2.0-OpenSSH_9.0\r\n")

    threading.Thread(target=answer_nonsense, daemon=True).start()
    key = _lane_key(seeded, CHAIRMEN)
    _watch(client, line=key, webhook_url=f"http://127.0.0.1:{liar.getsockname()[1]}/hook")
    _watch(client, kind="dyad", dyad="United States – Russia", webhook_url=receiver.url)
    result = runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    liar.close()
    assert result.exit_code == 1 and "not answer in HTTP" in result.output  # 1: a line in alarm, not a crash
    assert receiver.bodies(), "the other watch's notices still went"
    broken = [d for d in _deliveries(seeded) if d.watch_id == 1]
    assert broken and all(d.status == "pending" and d.attempts == 1 for d in broken)


def test_a_notice_of_a_watch_deleted_while_it_was_sent_is_let_go(seeded: Flask, client: FlaskClient) -> None:
    watch_id, _ = _watch(
        client, kind="dyad", dyad="United States – Russia", webhook_url="http://127.0.0.1:9/x"
    )
    with seeded.app_context():
        session = get_session()
        watching.queue_notices(session, as_of=dt.date(2026, 12, 2))
        [claimed] = watch_store.claim_due(session, now=dt.datetime.now(dt.UTC), channels=("webhook",))
        watch = watch_store.get_watch(session, watch_id)
        assert watch is not None
        watch_store.delete_watch(session, watch)
        watch_store.record_outcome(session, [claimed], ok=True, now=dt.datetime.now(dt.UTC))  # no error
    assert _deliveries(seeded) == []


def test_a_disabled_user_is_sent_nothing(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, receiver: Receiver
) -> None:
    _watch(client, kind="dyad", dyad="United States – Russia", webhook_url=receiver.url)
    with seeded.app_context(), get_engine().begin() as connection:
        connection.execute(sa.update(User).where(sa.column("id") == 1).values(active=False))
    runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    assert receiver.received == [] and _deliveries(seeded) == []


def test_another_users_watch_cannot_be_changed_pinged_or_rekeyed(app: Flask, client: FlaskClient) -> None:
    watch_id, _ = _watch(client, kind="filter", query="country=China", webhook_url="http://127.0.0.1:9/x")
    with app.app_context():
        add_editor(get_engine(), name="Other Editor", token="ctt_other-editor-token-0123456789")
    other = app.test_client()
    log_in(other, 2)
    for path in (f"/watches/{watch_id}", f"/watches/{watch_id}/secret", f"/watches/{watch_id}/test"):
        answer = other.post(path, data={"levels": "1", "webhook_url": "http://127.0.0.1:9/mine"})
        assert answer.status_code == 404 and "whsec_" not in answer.get_data(as_text=True)
    with app.app_context():
        [watch] = watch_store.list_watches(get_session())
        assert watch.webhook_url == "http://127.0.0.1:9/x"


@pytest.mark.parametrize("setting", ["no", False, "off"])
def test_the_test_ping_obeys_the_private_address_setting(
    app: Flask, client: FlaskClient, receiver: Receiver, setting: object
) -> None:
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = setting
    watch_id, _ = _watch(client, kind="filter", query="country=China", webhook_url=receiver.url)
    page = client.post(f"/watches/{watch_id}/test", follow_redirects=True).get_data(as_text=True)
    assert "not delivered" in page and "private or local network" in page and receiver.received == []


def test_private_addresses_are_allowed_only_while_the_tracker_is_not_published() -> None:
    assert notify.allow_private({})
    assert notify.allow_private({"PUBLIC_URL": "http://127.0.0.1:5000"})
    assert not notify.allow_private({"PUBLIC_URL": "https://tracker.example.org"})
    assert notify.allow_private(
        {"PUBLIC_URL": "https://tracker.example.org", "WEBHOOKS_ALLOW_PRIVATE": "true"}
    )
    with pytest.raises(notify.SendError, match="link-local"):
        notify.check_address("http://169.254.169.254/latest/meta-data", allow_private=True)


def test_dropping_a_channel_calls_off_what_waits_in_it(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    watch_id, _ = _watch(
        client, kind="dyad", dyad="United States – Russia", email_mode="immediate", email="a@example.org"
    )
    runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])  # no mail server: the emails wait
    assert {d.status for d in _deliveries(seeded)} == {"pending"}
    client.post(f"/watches/{watch_id}", data={"levels": "1", "email_mode": ""})
    assert {d.status for d in _deliveries(seeded)} == {"cancelled"}
    assert "called off" in client.get(f"/watches/{watch_id}").get_data(as_text=True)


def test_many_new_events_make_one_notice(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, receiver: Receiver, tmp_path: Path
) -> None:
    _watch(client, kind="filter", query="q=batchcall", levels="", new_events="1", webhook_url=receiver.url)
    days = range(1, watch_store.EVENT_BATCH + 6)
    rows = [event(date=f"2025-01-{day:02d}", summary=f"batchcall {day}") for day in days]
    (tmp_path / "many.csv").write_bytes(make_csv(rows))
    imported = runner.invoke(
        args=["import-csv", str(tmp_path / "many.csv")]
    )  # one write, one pass sees them all
    assert imported.exit_code == 0, imported.output
    runner.invoke(args=["check-alerts"])
    [body] = receiver.bodies()
    assert body["type"] == "new_events" and body["count"] == watch_store.EVENT_BATCH + 5
    assert len(body["events"]) == watch_store.EVENT_BATCH and body["more"] == 5
    assert all(e["summary"].startswith("batchcall") and e["url"] for e in body["events"])


def test_watch_this_filter_keeps_only_the_filters(seeded: Flask, client: FlaskClient) -> None:
    page = client.get("/?status=refused&period=year&country=Russia").get_data(as_text=True)
    [link] = re.findall(r'href="(/watches\?kind=filter[^"]*)"', page)
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    [value] = re.findall(r'id="query"[^>]*value="([^"]*)"', form) or re.findall(
        r'value="([^"]*)"[^>]*id="query"', form
    )
    assert "status=refused" in value and "country=Russia" in value and "period" not in value


def test_a_watch_label_is_shown_as_text(app: Flask, client: FlaskClient) -> None:
    label = '<script>alert(1)</script><b onmouseover="x()">bold</b>'
    watch_id, _ = _watch(client, kind="filter", query="country=China", label=label)
    for path in ("/watches", f"/watches/{watch_id}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<b onmouseover" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_narrowed_alerts_feed_keeps_that_lines_assessments(seeded: Flask, client: FlaskClient) -> None:
    key = _lane_key(seeded, CHAIRMEN)
    body = {"line": key, "month": "2026-11", "arrow": "deteriorated", "reason": "no call since May 2022"}
    assert client.post("/api/assessments", json=body).status_code == 201
    assert "no call since May 2022" in client.get(f"/feeds/alerts.atom?pair={key}").get_data(as_text=True)
    assert "no call since May 2022" in client.get("/feeds/alerts.atom?dyad=United States – Russia").get_data(
        as_text=True
    )
    assert "no call since May 2022" not in client.get("/feeds/alerts.atom?pair=p9-p99").get_data(as_text=True)
