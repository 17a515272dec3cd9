"""Sessions live in the store: sign-out, a new password, disabling the account and an admin's
"sign out everywhere" end them at once, so a saved copy of the cookie stops working."""

from __future__ import annotations

import httpx
import pytest

from tests.server_support import PASSWORD, LiveServer, add_users, csrf_from
from tests.store_support import backend_url  # noqa: F401 - a fixture
from tollwatch.core.model import Sensitivity

COOKIE = "tw_session"


@pytest.fixture
def live(backend_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    store = open_store(backend_url, load_reference=False)
    keys = add_users(store)
    with LiveServer(create_app(store=store, secret_key="sessions-test", load_reference=False)) as server:
        yield server, store, keys
    store.close()


def _signed_in(url: str, name: str) -> tuple[httpx.Client, str]:
    """A browser signed in as NAME, and a copy of its session cookie."""
    client = httpx.Client(base_url=url, timeout=60)
    token = csrf_from(client.get("/login").text)
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token, "next": "/"})
    assert r.status_code == 303 and client.get("/api/me").json()["name"] == name
    return client, client.cookies[COOKIE]


def _who(url: str, cookie: str) -> str | None:
    """Whom a replayed cookie signs in, from a fresh client."""
    with httpx.Client(base_url=url, timeout=60, cookies={COOKIE: cookie}) as c:
        return c.get("/api/me").json()["name"]


def _admin(keys) -> dict:
    return {"Authorization": f"Bearer {keys['admin']}"}


def test_sign_out_ends_the_session_everywhere_its_cookie_was_saved(live):
    server, _, _ = live
    client, saved = _signed_in(server.url, "analyst")
    assert _who(server.url, saved) == "analyst"
    token = csrf_from(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/me").json()["name"] is None
    assert _who(server.url, saved) is None
    client.close()


def test_a_new_password_ends_the_users_sessions(live):
    server, _, keys = live
    client, saved = _signed_in(server.url, "junior")
    _, other = _signed_in(server.url, "viewer")
    r = httpx.patch(f"{server.url}/api/users/junior", headers=_admin(keys), json={"password": "a brand new one"})
    assert r.status_code == 200
    assert _who(server.url, saved) is None and client.get("/api/me").json()["name"] is None
    assert _who(server.url, other) == "viewer"  # other users keep theirs
    client.close()


def test_disabling_ends_sessions_and_enabling_does_not_revive_them(live):
    server, _, keys = live
    _, saved = _signed_in(server.url, "junior")
    for disabled in (True, False):
        r = httpx.patch(f"{server.url}/api/users/junior", headers=_admin(keys), json={"disabled": disabled})
        assert r.status_code == 200 and r.json()["disabled"] is disabled
    assert _who(server.url, saved) is None
    assert _signed_in(server.url, "junior")[0].get("/api/me").json()["name"] == "junior"  # signs in afresh


def test_admin_signs_a_user_out_everywhere_and_it_is_audited(live):
    server, store, keys = live
    laptop = _signed_in(server.url, "analyst")[1]
    phone = _signed_in(server.url, "analyst")[1]
    mine = _signed_in(server.url, "viewer")[1]
    viewer_key = {"Authorization": f"Bearer {keys['viewer']}"}
    assert httpx.post(f"{server.url}/api/users/analyst/sign-out", headers=viewer_key).status_code == 403
    assert httpx.post(f"{server.url}/api/users/nobody/sign-out", headers=_admin(keys)).status_code == 404
    r = httpx.post(f"{server.url}/api/users/analyst/sign-out", headers=_admin(keys))
    assert r.status_code == 200 and r.json() == {"user": "analyst", "ended": 2}
    assert _who(server.url, laptop) is None and _who(server.url, phone) is None
    assert _who(server.url, mine) == "viewer"
    with store.read(Sensitivity.CONFIDENTIAL) as rd:
        entries = [(a["actor"], a["action"], a["target_kind"], a["target_id"], a["detail"]) for a in rd.audit()]
    assert ("admin", "revoke", "sessions", "analyst", {"ended": 2}) in entries


def test_a_cookie_alone_signs_no_one_in(live):
    """A cookie signed with the server's key but naming a user (the old format) is not a session."""
    server, _, _ = live
    from itsdangerous import URLSafeTimedSerializer

    forged = URLSafeTimedSerializer("sessions-test", salt="tollwatch-session").dumps({"u": "admin", "csrf": "x"})
    assert _who(server.url, forged) is None


def test_cli_sign_out_ends_sessions(tmp_path, monkeypatch, cli, db_url):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    store = open_store(db_url, load_reference=False)
    add_users(store)
    try:
        with LiveServer(create_app(store=store, secret_key="k", load_reference=False)) as server:
            _, saved = _signed_in(server.url, "viewer")
            assert cli("users", "sign-out", "viewer").output.strip() == "signed viewer out: 1 session ended"
            assert _who(server.url, saved) is None
            _, saved = _signed_in(server.url, "viewer")
            cli("users", "passwd", "viewer", "--password-stdin", input="another long password\n")
            assert _who(server.url, saved) is None
        assert "no user named ghost" in cli("users", "sign-out", "ghost", expect=1).output
    finally:
        store.close()
