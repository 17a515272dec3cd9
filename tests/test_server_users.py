"""User management over HTTP (admins only), through the same app.users use cases as the CLI."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tollwatch.app import users
from tollwatch.core.model import Sensitivity
from tollwatch.store.repository import Store


@pytest.fixture()
def env(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'users.db'}")
    users.add_user(store, "cli", "boss", "admin", password="secret-pass")
    users.add_user(store, "cli", "ann", "analyst")
    from tollwatch.server.app import create_app

    client = TestClient(create_app(store=store, secret_key="users-test", load_reference=False))
    admin = {"Authorization": "Bearer " + users.create_api_key(store, "cli", "boss").key}
    analyst = {"Authorization": "Bearer " + users.create_api_key(store, "cli", "ann").key}
    return store, client, admin, analyst


def test_only_admins_manage_users(env):
    _, client, admin, analyst = env
    assert client.get("/api/users").status_code == 401
    assert client.get("/api/users", headers=analyst).status_code == 403
    assert client.post("/api/users", headers=analyst, json={"name": "x", "role": "admin"}).status_code == 403
    assert [u["name"] for u in client.get("/api/users", headers=admin).json()] == ["ann", "boss"]


def test_create_change_and_key_lifecycle(env):
    store, client, admin, _ = env
    r = client.post("/api/users", headers=admin, json={"name": "vic", "role": "viewer", "password": "long-enough"})
    assert r.status_code == 201 and r.json() == {"name": "vic", "role": "viewer", "clearance": "public", "disabled": False}
    assert client.post("/api/users", headers=admin, json={"name": "vic", "role": "viewer"}).json()["detail"] == (
        "name: a user named vic already exists"
    )
    assert client.post("/api/users", headers=admin, json={"name": "y", "role": "viewer", "clearance": "top"}).status_code == 400
    assert client.patch("/api/users/vic", headers=admin, json={"role": "analyst"}).json()["clearance"] == "restricted"
    r = client.patch("/api/users/vic", headers=admin, json={"role": "god", "password": "another-one"})
    assert r.status_code == 400 and r.json()["detail"].startswith("role: unknown role")
    assert client.patch("/api/users/nobody", headers=admin, json={"disabled": True}).status_code == 404
    r = client.post("/api/users/vic/keys", headers=admin, json={"label": "robot"})
    assert r.status_code == 201 and r.json()["key"].startswith("tw_")
    key_id = r.json()["key_id"]
    assert client.get("/api/me", headers={"Authorization": "Bearer " + r.json()["key"]}).json()["name"] == "vic"
    listed = client.get("/api/users/vic/keys", headers=admin).json()
    assert [k["key_id"] for k in listed] == [key_id] and "key" not in listed[0]
    assert client.delete(f"/api/keys/{key_id}", headers=admin).status_code == 204
    assert client.delete(f"/api/keys/{key_id}", headers=admin).status_code == 400
    with store.read(Sensitivity.CONFIDENTIAL) as rd:
        actions = {(a["action"], a["target_kind"], a["actor"]) for a in rd.audit()}
    assert ("create", "user", "boss") in actions and ("update", "user", "boss") in actions
