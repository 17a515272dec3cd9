"""Accounts and API keys over HTTP, for admins: the same use cases as `tollwatch users ...` (app.users).

Every change is audited under the admin's name; a key's secret is shown once, in the
answer that creates it, and never stored or listed. A new password or disabling an
account ends the user's sessions; `POST /api/users/{name}/sign-out` ends them on demand.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tollwatch.app import auth as accounts
from tollwatch.app import users
from tollwatch.core.errors import NotFound
from tollwatch.core.model import Sensitivity, parse_enum
from tollwatch.server import auth
from tollwatch.server.deps import State

router = APIRouter(tags=["users"])


def api_admin(request: Request) -> auth.Principal:
    """An admin, with the CSRF header when the call rides on a session cookie."""
    p = auth.require_admin(request)
    auth.check_csrf(request, None)
    return p


Admin = Annotated[auth.Principal, Depends(api_admin)]


class UserIn(BaseModel):
    name: str
    role: str = Field(..., description="admin, analyst or viewer")
    clearance: str | None = Field(None, description="public, restricted or confidential (default: the role's)")
    password: str | None = Field(None, description="At least 8 characters; none: API keys only")


class UserChange(BaseModel):
    role: str | None = None
    clearance: str | None = None
    disabled: bool | None = None
    password: str | None = None


class KeyIn(BaseModel):
    label: str | None = None


def user_dict(user: users.User) -> dict:
    return {"name": user.name, "role": user.role, "clearance": user.clearance.value, "disabled": user.disabled}


def _clearance(value: str | None) -> str | None:
    return parse_enum(Sensitivity, value, "clearance").value if value else None


def _existing(state, name: str) -> users.User:
    user = accounts.get_user(state.store, name)
    if user is None:
        raise NotFound()
    return user


@router.get("/api/users")
def api_users(state: State, p: Admin):
    return [user_dict(u) for u in users.list_users(state.store)]


@router.post("/api/users", status_code=201)
def api_user_create(state: State, p: Admin, body: UserIn):
    user = users.add_user(state.store, p.actor, body.name, body.role, password=body.password or None,
                          clearance=_clearance(body.clearance))
    return user_dict(user)


@router.patch("/api/users/{name}")
def api_user_update(state: State, p: Admin, name: str, body: UserChange):
    _existing(state, name)
    if body.role is not None and body.role not in users.ROLES:  # checked before the password changes
        raise users.UserError(f"role: unknown role {body.role!r} (allowed: {', '.join(users.ROLES)})")
    clearance = _clearance(body.clearance)
    if body.password:
        users.set_password(state.store, p.actor, name, body.password)
    if body.role is not None or body.clearance is not None or body.disabled is not None:
        users.set_account(state.store, p.actor, name, role=body.role, clearance=clearance,
                          disabled=body.disabled)
    return user_dict(_existing(state, name))


@router.post("/api/users/{name}/sign-out")
def api_user_sign_out(state: State, p: Admin, name: str):
    """Sign the user out everywhere: every session ends at once (API keys are revoked separately)."""
    _existing(state, name)
    return {"user": name, "ended": users.end_sessions(state.store, p.actor, name)}


@router.get("/api/users/{name}/keys")
def api_user_keys(state: State, p: Admin, name: str):
    _existing(state, name)
    return users.list_api_keys(state.store, name)


@router.post("/api/users/{name}/keys", status_code=201)
def api_user_key_create(state: State, p: Admin, name: str, body: KeyIn | None = None):
    _existing(state, name)
    new = users.create_api_key(state.store, p.actor, name, body.label if body else None)
    return {"user": new.user, "key_id": new.key_id, "key": new.key}


@router.delete("/api/keys/{key_id}", status_code=204)
def api_key_revoke(state: State, p: Admin, key_id: str):
    users.revoke_api_key(state.store, p.actor, key_id)
    return Response(status_code=204)
