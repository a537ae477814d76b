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
import http.client
import ipaddress
import smtplib
import socket
import ssl
import urllib.error
import urllib.parse
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

from tracker.models import Delivery, User, Watch, utcnow
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

    @classmethod
    def of(cls, exc: Exception) -> SendError:
        """``exc`` as a ``SendError``: itself, or one that names what went wrong unexpectedly."""
        return exc if isinstance(exc, SendError) else cls(f"could not be sent ({type(exc).__name__}: {exc})")


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


def allow_private(config: Mapping[str, Any]) -> bool:
    """Whether webhooks may go to this machine or a private network.

    ``WEBHOOKS_ALLOW_PRIVATE`` decides when set; otherwise yes while the tracker is not published
    (no ``PUBLIC_URL``, or one on this machine), no once it is.
    """
    setting = config.get("WEBHOOKS_ALLOW_PRIVATE")
    if setting is not None and setting != "":
        return _true(setting)
    host = urllib.parse.urlsplit(str(config.get("PUBLIC_URL") or "")).hostname or ""
    return host in ("", "localhost", "127.0.0.1", "::1")


def check_address(url: str, *, allow_private: bool) -> None:
    """Refuse a webhook host that resolves to a link-local address (cloud metadata) or, unless allowed, a private one."""
    try:
        host = urllib.parse.urlsplit(url).hostname or ""
    except ValueError:
        raise SendError("the address is not valid") from None
    if not host:
        raise SendError("the address names no host")
    try:
        addresses = {str(info[4][0]).split("%")[0] for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        raise SendError(f"the host {host} could not be found") from None
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
            raise SendError(
                f"the host {host} is at a reserved or link-local address ({ip}): webhooks never go there"
            )
        if not allow_private and not ip.is_global:
            raise SendError(
                f"the host {host} is on a private or local network ({ip}) (set WEBHOOKS_ALLOW_PRIVATE to allow it)"
            )


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
    check_address(url, allow_private=allow_private)
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
        exc.close()  # its socket, not left to the garbage collector
        raise SendError(f"the endpoint answered {exc.code} {exc.reason}", exc.code) from None
    except urllib.error.URLError as exc:
        raise SendError(f"the endpoint could not be reached: {exc.reason}") from None
    except http.client.HTTPException as exc:
        raise SendError(f"the endpoint did not answer in HTTP ({type(exc).__name__})") from None
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
        context = ssl.create_default_context()  # the server's certificate and name are checked
        smtp: smtplib.SMTP
        if settings["ssl"]:
            smtp = smtplib.SMTP_SSL(settings["server"], settings["port"], timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(settings["server"], settings["port"], timeout=timeout)
        with smtp:
            if settings["tls"] and not settings["ssl"]:
                smtp.starttls(context=context)
            if settings["username"] and settings["password"]:
                if not (settings["tls"] or settings["ssl"]):
                    raise SendError(
                        "the mail password is only sent over TLS: set FLASK_MAIL_USE_TLS or _USE_SSL"
                    )
                smtp.login(settings["username"], settings["password"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError, ValueError) as exc:
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
    if payload.get("type") == "new_events":
        listed = payload.get("events", [])
        subject = f"{payload.get('count', len(listed))} new events"
        text = "\n\n".join(_event_text(e, e.get("url", "")) for e in listed)
        if payload.get("more"):
            text += f"\n\n… and {payload['more']} more: see the timeline."
        return subject, text + "\n"
    event = payload.get("event", {})
    subject = (
        f"New event: {event.get('date', '')} {event.get('official_a', '')} – {event.get('official_b', '')}"
    )
    return subject, _event_text(event, payload.get("url", "")) + "\n"


def _event_text(event: Mapping[str, Any], url: str) -> str:
    return (
        f"{event.get('date', '')}: {event.get('official_a', '')} – {event.get('official_b', '')}"
        f" ({event.get('channel', '')}, {event.get('status', '')})\n{event.get('summary', '')}\n{url}"
    )


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


def dispatch(
    session: Session, config: Mapping[str, Any], *, now: dt.datetime | None = None, most: int = 500
) -> Sent:
    """Send every delivery that is due (webhooks, emails, digests), one claimed at a time; record each outcome.

    Nothing a single notice does (an endpoint that is not HTTP, a watch deleted meanwhile) stops
    the others: it is recorded as a failed attempt of that notice.
    """
    now = now or utcnow()
    outcome = Sent()
    private = allow_private(config)
    mail = mail_settings(config)
    for _ in range(most):
        claimed = watch_store.claim_due(session, now=now, channels=("webhook", "email"))
        if not claimed:
            break
        [delivery] = claimed
        try:
            status = _send_one(session, delivery, mail, allow_private=private)
        except Exception as exc:  # noqa: BLE001 (one notice's failure is recorded; the next is sent)
            error = SendError.of(exc)
            session.rollback()
            watch_store.record_outcome(
                session,
                [delivery],
                ok=False,
                now=now,
                error=str(error),
                response_status=error.status,
                waiting=error.waiting,
            )
            outcome.failed += 1
            outcome.errors.append(f"delivery {delivery.id}: {error}")
        else:
            watch_store.record_outcome(session, [delivery], ok=True, now=now, response_status=status)
            outcome.sent += 1
    hour = digest_hour(config)
    for watch_id in watch_store.digest_watches(session, now=now):
        watch = session.get(Watch, watch_id, populate_existing=True)
        if watch is None or not digest_due(watch, now=now, hour=hour):
            continue
        items = watch_store.claim_digest(session, watch_id, now=now)
        if not items:
            continue  # another sender took them
        try:
            if mail is None:
                raise SendError(NO_MAIL, waiting=True)
            _check_owner(session, watch, "daily")
            subject, text = _digest(watch, items, now)
            send_email(mail, to=watch.email, subject=subject, text=text)
        except Exception as exc:  # noqa: BLE001 (recorded as the digest's failed attempt)
            error = SendError.of(exc)
            session.rollback()
            watch_store.record_outcome(
                session, items, ok=False, now=now, error=str(error), waiting=error.waiting
            )
            outcome.failed += 1
            outcome.errors.append(f"digest of watch {watch_id}: {error}")
        else:
            watch_store.record_outcome(session, items, ok=True, now=now)
            watch_store.mark_digest_sent(session, watch, now=now)
            outcome.sent += 1
    return outcome


def digest_hour(config: Mapping[str, Any]) -> int:
    """The ``MAIL_DIGEST_HOUR`` setting, 0–23 (7 when it is not a valid hour)."""
    try:
        hour = int(config.get("MAIL_DIGEST_HOUR", 7))
    except (TypeError, ValueError):
        return 7
    return hour if 0 <= hour <= 23 else 7


def _check_owner(session: Session, watch: Watch, email_mode: str | None = None) -> None:
    owner = session.get(User, watch.user_id)
    if owner is None or not owner.active:
        raise SendError("the watch's owner is disabled")
    if email_mode is not None and watch.email_mode != email_mode:
        raise SendError("the watch no longer sends this by email")


def _send_one(
    session: Session, delivery: Delivery, mail: Mapping[str, Any] | None, *, allow_private: bool
) -> int | None:
    watch = session.get(Watch, delivery.watch_id, populate_existing=True)
    if watch is None:
        raise SendError("the watch was deleted")
    payload = {**delivery.payload, "delivery": delivery.id, "sent_at": utcnow().isoformat(timespec="seconds")}
    if delivery.channel == "webhook":
        _check_owner(session, watch)
        if not watch.webhook_url:
            raise SendError("the watch has no webhook any more")
        if not watch.webhook_secret:
            raise SendError(
                "the webhook has no secret (restored from a backup?): replace it on the watch's page"
            )
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
    _check_owner(session, watch, "immediate")
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
