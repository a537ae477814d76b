"""Users, their API tokens and failed logins: accounts of the people who change the record.

Passwords are hashed with argon2id (argon2-cffi); an API token is random and only its SHA-256
is stored, so neither can be read back from the database or a backup.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, func, select

from tracker.db import transaction
from tracker.models import ApiToken, LoginFailure, User, utcnow
from tracker.names import DIRECTION_CONTROLS
from tracker.store.errors import InputError
from tracker.store.registry import audit

ROLES = ("viewer", "editor", "admin")
ROLE_LABELS = {
    "viewer": "Viewer (reads, even when reading needs a login)",
    "editor": "Editor (changes the record)",
    "admin": "Admin (also manages users)",
}
MIN_PASSWORD = 10
TOKEN_PREFIX = "ctt_"

_hasher = PasswordHasher()


@dataclass(frozen=True)
class Account:
    """A user as the app sees them, detached from the database."""

    id: int
    name: str
    role: str
    active: bool = True

    @property
    def can_edit(self) -> bool:
        return self.active and self.role in ("editor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.active and self.role == "admin"


def _account(user: User) -> Account:
    return Account(id=user.id or 0, name=user.name, role=user.role, active=user.active)


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash with other argon2 parameters (tests use cheap ones)."""
    global _hasher
    _hasher = hasher


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError({"password": f"a password needs at least {MIN_PASSWORD} characters"})
    if len(password) > 1000:
        raise InputError({"password": "a password can have at most 1000 characters"})


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InputError({"name": "give a user name"})
    if len(name) > 80:
        raise InputError({"name": "a user name can have at most 80 characters"})
    bad = next((c for c in name if c in DIRECTION_CONTROLS), None)
    if bad:  # as in officials' names: they would show the role and the words after the name reversed
        raise InputError({"name": f"must not contain text-direction control characters (U+{ord(bad):04X})"})
    return name


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError({"role": f"a role is one of {', '.join(ROLES)}"})


def count_users(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(User)).one())


def list_users(session: Session) -> list[Account]:
    return [_account(u) for u in session.exec(select(User).order_by(col(User.name)))]


def get_account(session: Session, user_id: int) -> Account | None:
    user = session.get(User, user_id)
    return _account(user) if user is not None else None


def create_user(session: Session, *, name: str, password: str, role: str = "editor", by: str = "") -> Account:
    """Add a user; refuses a taken name (any case), a short password or an unknown role."""
    name = _check_name(name)
    _check_password(password)
    _check_role(role)
    with transaction(session):
        taken = session.exec(select(User).where(func.lower(User.name) == name.lower())).first()
        if taken is not None:
            raise InputError({"name": f"there is already a user {taken.name}"})
        user = User(name=name, password_hash=_hasher.hash(password), role=role)
        session.add(user)
        session.flush()
        audit(session, "user", user.id, "created", f"Added user {name} ({role}).", by=by)
    return _account(user)


def update_user(
    session: Session,
    user_id: int,
    *,
    role: str | None = None,
    active: bool | None = None,
    password: str | None = None,
    by: str = "",
) -> Account:
    """Change a user's role, whether they may log in, or their password; the last admin stays one."""
    with transaction(session):
        user = session.get(User, user_id)
        if user is None:
            raise InputError({"user": f"there is no user {user_id}"})
        changes: dict[str, object] = {}
        if role is not None and role != user.role:
            _check_role(role)
            changes["role"] = [user.role, role]
            user.role = role
        if active is not None and active != user.active:
            changes["active"] = [user.active, active]
            user.active = active
        if password is not None:
            _check_password(password)
            user.password_hash = _hasher.hash(password)
            changes["password"] = "changed"
        session.flush()
        admins = session.exec(
            select(func.count()).select_from(User).where(User.role == "admin", col(User.active).is_(True))
        ).one()
        if not admins and count_users(session) > 0:
            raise InputError({"role": "the last active admin cannot be demoted or disabled"})
        if not active and active is not None:
            for token in session.exec(select(ApiToken).where(ApiToken.user_id == user_id)):
                token.revoked_at = token.revoked_at or utcnow()
        if changes:
            audit(session, "user", user_id, "updated", f"Changed {', '.join(changes)} of {user.name}.", by=by)
    return _account(user)


def authenticate(session: Session, name: str, password: str) -> Account | None:
    """The active user with this name (any case) and password, or None."""
    user = session.exec(select(User).where(func.lower(User.name) == " ".join(name.split()).lower())).first()
    if user is None or not user.active or not user.password_hash:
        # the same work as a real check, so that timing does not tell which names exist
        try:
            _hasher.verify(_dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            pass
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        with transaction(session):
            user.password_hash = _hasher.hash(password)
    return _account(user)


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, made on first use: what an unknown name is checked against."""
    return _hasher.hash(secrets.token_hex(8))


# Throttling logins -------------------------------------------------------------------------------


def recent_failures(session: Session, keys: list[str], *, within: dt.timedelta) -> dict[str, int]:
    """How many failed logins each key had in the last ``within``."""
    since = utcnow() - within
    rows = session.exec(
        select(LoginFailure.key, func.count())
        .where(col(LoginFailure.key).in_(keys), col(LoginFailure.at) >= since)
        .group_by(col(LoginFailure.key))
    ).all()
    return {key: int(n) for key, n in rows}


def record_failure(session: Session, keys: list[str], *, keep: dt.timedelta) -> None:
    """Note a failed login under each key; forget failures older than ``keep``."""
    with transaction(session):
        session.execute(LoginFailure.__table__.delete().where(LoginFailure.__table__.c.at < utcnow() - keep))  # type: ignore[attr-defined]
        for key in keys:
            session.add(LoginFailure(key=key[:200]))


def clear_failures(session: Session, key: str) -> None:
    with transaction(session):
        session.execute(LoginFailure.__table__.delete().where(LoginFailure.__table__.c.key == key))  # type: ignore[attr-defined]


# API tokens ----------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, user_id: int, *, label: str = "", by: str = "") -> str:
    """A new API token for the user; returned once, stored only as its digest."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(30)
    with transaction(session):
        session.add(
            ApiToken(user_id=user_id, label=label.strip()[:80], digest=_digest(token), prefix=token[:12])
        )
        audit(session, "token", user_id, "created", f"Created API token {token[:12]}… {label}".strip(), by=by)
    return token


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(col(ApiToken.created_at).desc())
        )
    )


def revoke_token(session: Session, user_id: int, token_id: int, *, by: str = "") -> bool:
    """Revoke one of the user's tokens; False when they have no such token."""
    with transaction(session):
        token = session.get(ApiToken, token_id)
        if token is None or token.user_id != user_id:
            return False
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            audit(session, "token", user_id, "revoked", f"Revoked API token {token.prefix}…", by=by)
    return True


def account_for_token(session: Session, token: str) -> Account | None:
    """The active user whose unrevoked token this is, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == col(ApiToken.user_id))
        .where(ApiToken.digest == _digest(token), col(ApiToken.revoked_at).is_(None))
    ).first()
    if found is None or not found[1].active:
        return None
    return _account(found[1])
