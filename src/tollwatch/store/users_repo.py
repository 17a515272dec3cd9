"""Accounts and API keys for the server: who may read which sensitivity, and who may write.

Passwords are stored as argon2 hashes; API keys as SHA-256 of a random secret (the key
itself is shown once, at creation). Roles ceilings are enforced by the server through
`Store.read(max_sensitivity=...)`, never by templates.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Connection, ForeignKey, Integer, MetaData, String, Table, select, update

from tollwatch.core.model import Sensitivity

if TYPE_CHECKING:
    from tollwatch.store.repository import Reader, Txn

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("clearance", String(20), nullable=False),
    Column("password_hash", String(200)),
    Column("disabled", Integer, nullable=False, default=0),
    Column("created_at", String(40), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(24), primary_key=True),
    Column("user_name", String(120), ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
    Column("secret_sha256", String(64), nullable=False),
    Column("label", String(200)),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
)

ROLES = ("admin", "analyst", "viewer")
# What each role reads unless an admin grants more (an analyst handling testimony needs
# confidential clearance, given by name, not by default).
DEFAULT_CLEARANCE = {"admin": Sensitivity.CONFIDENTIAL, "analyst": Sensitivity.RESTRICTED, "viewer": Sensitivity.PUBLIC}
_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,120}$")


class UserError(ValueError):
    """A user-admin request that cannot be done; the message is for the user."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    clearance: Sensitivity
    disabled: bool = False

    @property
    def can_write(self) -> bool:
        return self.role in ("admin", "analyst") and not self.disabled

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and not self.disabled


def create_tables(conn: Connection) -> None:
    """Called by the store migration that introduces accounts."""
    metadata.create_all(conn, tables=[users, api_keys])


def _connection(db: Connection | Reader) -> Connection:
    """Reads take a connection or a store Reader (which the app layer holds)."""
    return db if isinstance(db, Connection) else db.conn


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise UserError("password: at least 8 characters")
    return _hasher().hash(password)


def _row_user(r) -> User:
    return User(r["name"], r["role"], Sensitivity(r["clearance"]), bool(r["disabled"]))


def add_user(conn: Connection, name: str, role: str, password: str | None = None, clearance: str | None = None) -> User:
    if not _NAME.match(name or ""):
        raise UserError("name: letters, digits and . _ @ - only (1-120 characters)")
    if role not in ROLES:
        raise UserError(f"role: unknown role {role!r} (allowed: {', '.join(ROLES)})")
    level = Sensitivity(clearance) if clearance else DEFAULT_CLEARANCE[role]
    if conn.execute(select(users.c.name).where(users.c.name == name)).first():
        raise UserError(f"name: a user named {name} already exists")
    conn.execute(
        users.insert().values(
            name=name,
            role=role,
            clearance=level.value,
            password_hash=hash_password(password) if password else None,
            disabled=0,
            created_at=_now(),
        )
    )
    return User(name, role, level)


def get_user(db: Connection | Reader, name: str) -> User | None:
    conn = _connection(db)
    r = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    return _row_user(r) if r else None


def list_users(db: Connection | Reader) -> list[User]:
    conn = _connection(db)
    return [_row_user(r) for r in conn.execute(select(users).order_by(users.c.name)).mappings()]


def set_password(conn: Connection, name: str, password: str) -> None:
    if not get_user(conn, name):
        raise UserError(f"name: no user named {name}")
    conn.execute(update(users).where(users.c.name == name).values(password_hash=hash_password(password)))


def set_role(conn: Connection, name: str, role: str | None = None, clearance: str | None = None, disabled: bool | None = None) -> User:
    user = get_user(conn, name)
    if not user:
        raise UserError(f"name: no user named {name}")
    values: dict = {}
    if role is not None:
        if role not in ROLES:
            raise UserError(f"role: unknown role {role!r} (allowed: {', '.join(ROLES)})")
        values["role"] = role
        if clearance is None:
            values["clearance"] = DEFAULT_CLEARANCE[role].value
    if clearance is not None:
        values["clearance"] = Sensitivity(clearance).value
    if disabled is not None:
        values["disabled"] = int(disabled)
    if values:
        conn.execute(update(users).where(users.c.name == name).values(**values))
    updated = get_user(conn, name)
    assert updated is not None  # the row was read above, in this same transaction
    return updated


def verify_password(db: Connection | Reader, name: str, password: str) -> User | None:
    """The user if name and password match and the account is enabled; else None (same time either way)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    conn = _connection(db)
    r = conn.execute(select(users).where(users.c.name == name)).mappings().first()
    hasher = _hasher()
    if not r or not r["password_hash"]:
        # Spend the same effort so response time does not tell which names exist.
        try:
            hasher.verify(_DUMMY_HASH(), password or "x")
        except (VerificationError, InvalidHashError):
            pass
        return None
    try:
        hasher.verify(r["password_hash"], password or "")
    except (VerificationError, InvalidHashError):
        return None
    user = _row_user(r)
    return None if user.disabled else user


_dummy: list[str] = []


def _DUMMY_HASH() -> str:  # noqa: N802 - a lazily computed constant
    if not _dummy:
        _dummy.append(_hasher().hash(secrets.token_hex(16)))
    return _dummy[0]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_key(conn: Connection, name: str, label: str | None = None) -> str:
    """A new key for the user, returned once in full: `tw_<id>_<secret>`."""
    if not get_user(conn, name):
        raise UserError(f"name: no user named {name}")
    key_id = secrets.token_hex(6)
    # Hex, not url-safe base64: the secret never contains the `_` separator, so a key
    # copies with one double-click and splits the same way everywhere.
    secret = secrets.token_hex(32)
    conn.execute(
        api_keys.insert().values(
            key_id=key_id, user_name=name, secret_sha256=_digest(secret), label=label, created_at=_now()
        )
    )
    return f"tw_{key_id}_{secret}"


def revoke_api_key(conn: Connection, key_id: str) -> bool:
    result = conn.execute(
        update(api_keys).where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None)).values(revoked_at=_now())
    )
    return bool(result.rowcount)


def list_api_keys(db: Connection | Reader, name: str | None = None) -> list[dict]:
    conn = _connection(db)
    q = select(api_keys.c.key_id, api_keys.c.user_name, api_keys.c.label, api_keys.c.created_at, api_keys.c.revoked_at)
    if name:
        q = q.where(api_keys.c.user_name == name)
    return [dict(r) for r in conn.execute(q.order_by(api_keys.c.created_at)).mappings()]


def split_api_key(key: str) -> tuple[str, str] | None:
    """(key id, secret) of a `tw_<id>_<secret>` key; keys issued before secrets were hex may
    hold `_` inside the secret, so only the first two separators count."""
    parts = (key or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "tw" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def user_for_api_key(db: Connection | Reader, key: str) -> User | None:
    conn = _connection(db)
    parts = split_api_key(key)
    if parts is None:
        return None
    key_id, secret = parts
    r = conn.execute(
        select(api_keys).where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
    ).mappings().first()
    if not r or not hmac.compare_digest(r["secret_sha256"], _digest(secret)):
        return None
    user = get_user(conn, r["user_name"])
    return None if not user or user.disabled else user


# Audited writes: each takes the store's write transaction and records its audit entry in
# it (naming fields and ids, never passwords or secrets). The app layer calls these.


def create_user(tx: Txn, name: str, role: str, *, password: str | None = None, clearance: str | None = None) -> User:
    user = add_user(tx.conn, name, role, password=password, clearance=clearance)
    tx.record_audit("create", "user", name, {"role": user.role, "clearance": user.clearance.value})
    return user


def change_password(tx: Txn, name: str, password: str) -> None:
    set_password(tx.conn, name, password)
    tx.record_audit("update", "user", name, {"fields": ["password"]})


def change_account(tx: Txn, name: str, *, role: str | None = None, clearance: str | None = None,
                   disabled: bool | None = None) -> User:
    user = set_role(tx.conn, name, role=role, clearance=clearance, disabled=disabled)
    tx.record_audit("update", "user", name, {"role": user.role, "clearance": user.clearance.value, "disabled": user.disabled})
    return user


def issue_api_key(tx: Txn, name: str, label: str | None = None) -> str:
    key = create_api_key(tx.conn, name, label)
    tx.record_audit("create", "api_key", split_api_key(key)[0], {"user": name})  # type: ignore[index]
    return key


def withdraw_api_key(tx: Txn, key_id: str) -> bool:
    """False when there is no active key with that id (nothing is audited then)."""
    if not revoke_api_key(tx.conn, key_id):
        return False
    tx.record_audit("revoke", "api_key", key_id)
    return True
