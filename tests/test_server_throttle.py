"""Password guessing at /login is slowed per account and per client address."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.server_support import PASSWORD, add_users, csrf_from
from tollwatch.server.throttle import SignInThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_account_locks_after_its_limit_and_frees_when_the_window_passes():
    clock = Clock()
    t = SignInThrottle(per_account=3, per_address=100, window_s=60, clock=clock)
    for _ in range(2):
        t.failed("Ana", "10.0.0.1")
        assert t.retry_after("ana", "10.0.0.1") == 0
    clock.now += 10
    t.failed("ana ", "10.0.0.2")  # the same account, whatever case, spacing or address
    assert t.retry_after("ANA", "10.0.0.9") == 50  # the oldest failure leaves the window at +60
    assert t.retry_after("bob", "10.0.0.1") == 0  # other accounts are untouched
    clock.now += 49.5
    assert t.retry_after("ana", None) == 1
    clock.now += 0.5
    assert t.retry_after("ana", None) == 0


def test_address_limit_catches_spraying_across_accounts():
    clock = Clock()
    t = SignInThrottle(per_account=100, per_address=4, window_s=60, clock=clock)
    for name in ("a", "b", "c", "d"):
        t.failed(name, "10.0.0.1")
    assert t.retry_after("e", "10.0.0.1") == 60
    assert t.retry_after("e", "10.0.0.2") == 0


def test_success_clears_the_account_but_not_the_address():
    clock = Clock()
    t = SignInThrottle(per_account=2, per_address=3, window_s=60, clock=clock)
    t.failed("ana", "10.0.0.1")
    t.failed("ana", "10.0.0.1")
    assert t.retry_after("ana", "10.0.0.2") > 0
    t.succeeded("ana")
    assert t.retry_after("ana", "10.0.0.2") == 0
    t.failed("ana", "10.0.0.1")
    assert t.retry_after("ana", "10.0.0.1") > 0  # the address has now failed three times


@pytest.fixture
def throttled(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    from tollwatch.app.evidence import open_store
    from tollwatch.server.app import create_app

    store = open_store(f"sqlite:///{tmp_path / 'tw.db'}", load_reference=False)
    add_users(store)
    clock = Clock()
    app = create_app(
        store=store, secret_key="k", load_reference=False,
        sign_in_throttle=SignInThrottle(per_account=3, per_address=50, window_s=300, clock=clock),
    )
    yield TestClient(app), clock
    store.close()


def _post(client, name, password):
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"}, follow_redirects=False)


def test_login_refuses_even_the_right_password_while_locked(throttled):
    client, clock = throttled
    for _ in range(3):
        assert _post(client, "admin", "guess").status_code == 401
    locked = _post(client, "admin", PASSWORD)
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "300"
    assert "Too many failed sign-ins" in locked.text
    assert client.get("/api/me").json()["via"] == "anonymous"
    assert _post(client, "viewer", PASSWORD).status_code == 303  # another account still signs in
    clock.now += 301
    assert _post(client, "admin", PASSWORD).status_code == 303
    assert client.get("/api/me").json()["name"] == "admin"
