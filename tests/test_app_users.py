"""The account use cases (app.users) and the server's sign-in checks (app.auth), with their audit entries."""

from __future__ import annotations

import pytest

from tollwatch.app import auth, users
from tollwatch.core.model import Sensitivity


def _audit(store) -> list[tuple]:
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return [(a["actor"], a["action"], a["target_kind"], a["target_id"], a["detail"]) for a in reversed(r.audit())]


def test_account_lifecycle_is_audited_without_secrets(store):
    ana = users.add_user(store, "root", "ana", "analyst", password="long enough pw")
    assert (ana.role, ana.clearance) == ("analyst", Sensitivity.RESTRICTED)
    users.set_password(store, "root", "ana", "another long pw")
    changed = users.set_account(store, "root", "ana", clearance="confidential")
    assert changed.clearance == Sensitivity.CONFIDENTIAL
    new = users.create_api_key(store, "root", "ana", "laptop")
    assert new.key.startswith(f"tw_{new.key_id}_")
    users.revoke_api_key(store, "root", new.key_id)
    entries = [e for e in _audit(store) if e[2] in ("user", "api_key")]
    assert entries == [
        ("root", "create", "user", "ana", {"role": "analyst", "clearance": "restricted"}),
        ("root", "update", "user", "ana", {"fields": ["password"]}),
        ("root", "update", "user", "ana", {"role": "analyst", "clearance": "confidential", "disabled": False}),
        ("root", "create", "api_key", new.key_id, {"user": "ana"}),
        ("root", "revoke", "api_key", new.key_id, None),
    ]
    assert "long enough pw" not in repr(_audit(store)) and new.key.split("_")[2] not in repr(_audit(store))


def test_lists_and_lookups(store):
    assert not users.has_users(store)
    users.add_user(store, "root", "vic", "viewer")
    key = users.create_api_key(store, "root", "vic").key
    assert [u.name for u in users.list_users(store)] == ["vic"]
    assert [k["user_name"] for k in users.list_api_keys(store, "vic")] == ["vic"]
    assert users.list_api_keys(store, "nobody") == []
    assert auth.user_for_api_key(store, key).name == "vic"
    assert auth.user_for_api_key(store, key + "x") is None
    assert auth.get_user(store, "vic").role == "viewer"
    assert auth.verify_password(store, "vic", "anything at all") is None  # no password: keys only


def test_disabled_account_neither_signs_in_nor_uses_keys(store):
    users.add_user(store, "root", "ana", "analyst", password="long enough pw")
    key = users.create_api_key(store, "root", "ana").key
    assert auth.verify_password(store, "ana", "long enough pw").name == "ana"
    users.set_account(store, "root", "ana", disabled=True)
    assert auth.verify_password(store, "ana", "long enough pw") is None
    assert auth.user_for_api_key(store, key) is None
    assert auth.get_user(store, "ana").disabled  # a session checks this itself


def test_refusals_name_the_field_and_store_nothing(store):
    with pytest.raises(users.UserError, match="^role: "):
        users.add_user(store, "root", "bob", "boss")
    with pytest.raises(users.UserError, match="^password: "):
        users.add_user(store, "root", "bob", "viewer", password="short")
    with pytest.raises(users.UserError, match="^name: no user named ghost"):
        users.set_password(store, "root", "ghost", "long enough pw")
    with pytest.raises(users.UserError, match="^key_id: no active key nope"):
        users.revoke_api_key(store, "root", "nope")
    assert users.list_users(store) == []
    assert not [e for e in _audit(store) if e[2] in ("user", "api_key")]
