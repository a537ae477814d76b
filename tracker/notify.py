"""Sending the notices watches are owed: signed webhooks, emails and daily digests, retried with backoff.

Webhooks are JSON POSTed to the watch's address, signed with HMAC-SHA256 over the exact body
(``X-Tracker-Signature: sha256=<hex>``, the key shown once when the watch was made). Emails go
through SMTP with Flask-Mail's settings (``FLASK_MAIL_SERVER``, ``_PORT``, ``_USE_TLS``,
``_USE_SSL``, ``_USERNAME``, ``_PASSWORD``, ``_DEFAULT_SENDER``), sent with the standard
library's ``smtplib`` so that every connection has a timeout. A daily digest goes out with the
first check after ``MAIL_DIGEST_HOUR`` (UTC, default 7) each day. A failed attempt is tried
again later (1 minute, then doubling up to 6 hours; given up after 8), and never fails a write.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import smtplib
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import orjson
from flask import Flask
from sqlmodel import Session

from tracker import fetching
from tracker.models import Delivery, Watch, utcnow
from tracker.store import watches as watch_store
from tracker.vocabulary import LEVEL_WORDS

#: Seconds a webhook endpoint or an SMTP server gets to answer.
TIMEOUT = 10
USER_AGENT = "contact-timeline-tracker/1 (webhook)"


class SendError(Exception):
    """A notice that could not be sent; the message says why (kept in the delivery log)."""

    def __init__(self, message: str, status: int | None = None, *, waiting: bool = False) -> None:
        super().__init__(message)
        self.status = status
        #: nothing was tried: the channel is not set up yet (no attempt is counted)
        self.waiting = waiting


NO_MAIL = "email is not set up: set FLASK_MAIL_SERVER (and the other FLASK_MAIL_* settings)"


@dataclass
class Sent:
    """What one dispatch did."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def signature(secret: str, body: bytes) -> str:
    """The ``X-Tracker-Signature`` header of a body: ``sha256=`` and the hex HMAC-SHA256 keyed by ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a webhook that moved answers 3xx: that is a failure to fix, not a place to follow


def post_webhook(
    url: str,
    body: bytes,
    *,
    secret: str,
    delivery_id: int,
    topic: str,
    allow_private: bool,
    timeout: float = TIMEOUT,
) -> int:
    """POST a signed body; returns the HTTP status (2xx), or raises ``SendError`` saying what went wrong."""
    if not allow_private:
        try:
            fetching.check_public(url)
        except fetching.FetchError as exc:
            raise SendError(f"{exc} (set WEBHOOKS_ALLOW_PRIVATE to allow it)") from None
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Tracker-Signature": signature(secret, body),
            "X-Tracker-Delivery": str(delivery_id),
            "X-Tracker-Topic": topic,
        },
    )
    opener = urllib.request.build_opener(_NoRedirects())
    try:
        with opener.open(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise SendError(f"the endpoint answered {exc.code} {exc.reason}", exc.code) from None
    except urllib.error.URLError as exc:
        raise SendError(f"the endpoint could not be reached: {exc.reason}") from None
    except (TimeoutError, OSError) as exc:
        raise SendError(f"the endpoint did not answer: {exc}") from None
    except ValueError as exc:
        raise SendError(f"the address is not valid: {exc}") from None
    if not 200 <= status < 300:
        raise SendError(f"the endpoint answered {status}", status)
    return status


def mail_settings(config: Mapping[str, Any]) -> dict[str, Any] | None:
    """The SMTP settings, or None when no mail server is set."""
    server = str(config.get("MAIL_SERVER") or "")
    if not server:
        return None
    return {
        "server": server,
        "port": int(config.get("MAIL_PORT") or (465 if _true(config.get("MAIL_USE_SSL")) else 25)),
        "tls": _true(config.get("MAIL_USE_TLS")),
        "ssl": _true(config.get("MAIL_USE_SSL")),
        "username": str(config.get("MAIL_USERNAME") or ""),
        "password": str(config.get("MAIL_PASSWORD") or ""),
        "sender": str(config.get("MAIL_DEFAULT_SENDER") or "tracker@localhost"),
    }


def _true(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def send_email(
    settings: Mapping[str, Any], *, to: str, subject: str, text: str, timeout: float = TIMEOUT
) -> None:
    """Send one plain-text message; ``SendError`` when the server refuses it or cannot be reached."""
    # long lines rather than folded headers: the library's folding doubles a space beside an encoded word
    message = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    message["From"], message["To"], message["Subject"] = settings["sender"], to, subject
    message["Message-ID"] = make_msgid(domain="contact-timeline-tracker")
    message.set_content(text)
    try:
        smtp_class = smtplib.SMTP_SSL if settings["ssl"] else smtplib.SMTP
        with smtp_class(settings["server"], settings["port"], timeout=timeout) as smtp:
            if settings["tls"] and not settings["ssl"]:
                smtp.starttls()
            if settings["username"] and settings["password"]:
                smtp.login(settings["username"], settings["password"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"the mail server did not take the message: {exc}") from None


def describe(payload: Mapping[str, Any]) -> tuple[str, str]:
    """A notice's subject line and text, from its payload."""
    if payload.get("type") == "level_change":
        line = payload.get("line", {})
        words = LEVEL_WORDS.get(str(payload.get("level_to")), str(payload.get("level_to")))
        before = LEVEL_WORDS.get(str(payload.get("level_from")), str(payload.get("level_from")))
        subject = f"{words.capitalize()}: {line.get('label', '')}"
        text = (
            f"{line.get('label', '')}: {before} → {words} as of {payload.get('as_of')}"
            + (f" (since {payload['since']})" if payload.get("since") else "")
            + f".\n{payload.get('reason', '')}\n\n{line.get('url', '')}\n"
        )
        return subject, text
    event = payload.get("event", {})
    subject = (
        f"New event: {event.get('date', '')} {event.get('official_a', '')} – {event.get('official_b', '')}"
    )
    text = (
        f"{event.get('date', '')}: {event.get('official_a', '')} – {event.get('official_b', '')}"
        f" ({event.get('channel', '')}, {event.get('status', '')})\n{event.get('summary', '')}\n\n"
        f"{payload.get('url', '')}\n"
    )
    return subject, text


def _footer(watch: Watch) -> str:
    what = watch.label or watch.query
    return f"\n--\nYou get this because you watch {what} in the Contact Timeline Tracker.\n"


def digest_due(watch: Watch, *, now: dt.datetime, hour: int) -> bool:
    """Whether a watch's daily digest is due: once a day, after ``hour`` UTC, for what came since the last."""
    now = now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)
    boundary = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if boundary > now:
        boundary -= dt.timedelta(days=1)
    reference = watch.last_digest_at or watch.created_at
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=dt.UTC)
    return reference < boundary


def dispatch(session: Session, config: Mapping[str, Any], *, now: dt.datetime | None = None) -> Sent:
    """Send every delivery that is due (webhooks, emails, digests); record each outcome."""
    now = now or utcnow()
    outcome = Sent()
    allow_private = _true(config.get("WEBHOOKS_ALLOW_PRIVATE", True))
    mail = mail_settings(config)
    for delivery in watch_store.claim_due(session, now=now, channels=("webhook", "email")):
        watch = session.get(Watch, delivery.watch_id)
        try:
            if watch is None:
                raise SendError("the watch was deleted")
            status = _send_one(delivery, watch, mail, allow_private=allow_private)
        except SendError as exc:
            watch_store.record_outcome(
                session,
                [delivery],
                ok=False,
                now=now,
                error=str(exc),
                response_status=exc.status,
                waiting=exc.waiting,
            )
            outcome.failed += 1
            outcome.errors.append(f"delivery {delivery.id}: {exc}")
        else:
            watch_store.record_outcome(session, [delivery], ok=True, now=now, response_status=status)
            outcome.sent += 1
    hour = int(config.get("MAIL_DIGEST_HOUR", 7))
    for watch_id, items in watch_store.pending_digests(session).items():
        watch = session.get(Watch, watch_id)
        if watch is None or not digest_due(watch, now=now, hour=hour):
            continue
        try:
            if mail is None:
                raise SendError(NO_MAIL, waiting=True)
            subject, text = _digest(watch, items, now)
            send_email(mail, to=watch.email, subject=subject, text=text)
        except SendError as exc:
            watch_store.record_outcome(session, items, ok=False, now=now, error=str(exc), waiting=exc.waiting)
            outcome.failed += 1
            outcome.errors.append(f"digest of watch {watch_id}: {exc}")
        else:
            watch_store.record_outcome(session, items, ok=True, now=now)
            watch_store.mark_digest_sent(session, watch, now=now)
            outcome.sent += 1
    return outcome


def _send_one(
    delivery: Delivery, watch: Watch, mail: Mapping[str, Any] | None, *, allow_private: bool
) -> int | None:
    payload = {**delivery.payload, "delivery": delivery.id}
    if delivery.channel == "webhook":
        if not watch.webhook_url or not watch.webhook_secret:
            raise SendError("the watch has no webhook any more")
        body = orjson.dumps(payload)
        return post_webhook(
            watch.webhook_url,
            body,
            secret=watch.webhook_secret,
            delivery_id=delivery.id or 0,
            topic=delivery.topic,
            allow_private=allow_private,
        )
    if mail is None:
        raise SendError(NO_MAIL, waiting=True)
    if not watch.email:
        raise SendError("the watch has no email address any more")
    subject, text = describe(payload)
    send_email(mail, to=watch.email, subject=f"[Tracker] {subject}", text=text + _footer(watch))
    return None


def _digest(watch: Watch, items: Sequence[Delivery], now: dt.datetime) -> tuple[str, str]:
    what = watch.label or watch.query
    count = len(items)
    subject = f"[Tracker] Daily digest, {now.date().isoformat()}: {count} change{'' if count == 1 else 's'} ({what})"
    parts = []
    for item in items:
        title, text = describe(item.payload)
        parts.append(f"* {title}\n  " + text.strip().replace("\n", "\n  "))
    return subject, "\n\n".join(parts) + "\n" + _footer(watch)


def init_app(app: Flask) -> None:
    """Defaults of the notification settings."""
    app.config.setdefault("MAIL_DIGEST_HOUR", 7)
    app.config.setdefault("WEBHOOKS_ALLOW_PRIVATE", True)
