"""Password guessing at /login is slowed per account, per (address, account) and per address,
with the counts in the store: atomic under concurrency, shared by workers, kept over restarts."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.server_support import PASSWORD, LiveServer, add_users, csrf_from, free_port
from tests.store_support import backend_url  # noqa: F401 - a fixture
from tollwatch.server import proxies
from tollwatch.server.throttle import SignInThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _open(url: str):
    from tollwatch.app.evidence import open_store

    return open_store(url, load_reference=False)


def _app(store, throttle=None, **kw):
    from tollwatch.server.app import create_app

    return create_app(store=store, secret_key="k", load_reference=False, sign_in_throttle=throttle, **kw)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    s = _open(f"sqlite:///{tmp_path / 'tw.db'}")
    add_users(s)
    yield s
    s.close()


def _try(t: SignInThrottle, store, name: str, address: str | None, ok: bool = False) -> int:
    """One sign-in through the throttle: 0 when the password was checked, else the wait."""
    attempt, wait = t.reserve(store, name, address)
    if attempt is None:
        return wait
    (t.succeeded if ok else t.failed)(store, attempt)
    return 0


def test_account_locks_after_its_limit_and_frees_when_the_window_passes(store):
    clock = Clock()
    t = SignInThrottle(per_account=3, per_address=100, window_s=60, clock=clock)
    for _ in range(2):
        assert _try(t, store, "Ana", "10.0.0.1") == 0
    clock.now += 10
    assert _try(t, store, "ana ", "10.0.0.2") == 0  # the same account, whatever case, spacing or address
    assert _try(t, store, "ANA", "10.0.0.9") == 50  # the oldest failure leaves the window at +60
    assert _try(t, store, "bob", "10.0.0.1") == 0  # other accounts are untouched
    clock.now += 49.5
    assert _try(t, store, "ana", None) == 1
    clock.now += 0.5
    assert _try(t, store, "ana", None) == 0


def test_success_clears_the_account_but_not_the_address(store):
    clock = Clock()
    t = SignInThrottle(per_account=2, per_address=3, window_s=60, clock=clock)
    _try(t, store, "ana", "10.0.0.1")
    _try(t, store, "ana", "10.0.0.1")
    assert _try(t, store, "ana", "10.0.0.2") > 0
    clock.now += 61
    _try(t, store, "ana", "10.0.0.1")
    assert _try(t, store, "ana", "10.0.0.1", ok=True) == 0
    _try(t, store, "ana", "10.0.0.1")
    assert _try(t, store, "ana", "10.0.0.3") == 0  # one failure since the right password: still checked
    assert _try(t, store, "bob", "10.0.0.1") == 0
    assert _try(t, store, "zed", "10.0.0.1") > 0  # but the address keeps all three of its failures


def test_a_busy_address_spares_accounts_that_signed_in_from_it(store):
    """Spraying from one address stops new names there, not the regulars behind it."""
    clock = Clock()
    t = SignInThrottle(per_account=5, per_address=4, window_s=300, clock=clock)
    assert _try(t, store, "viewer", "10.0.0.1", ok=True) == 0
    for i in range(4):
        assert _try(t, store, f"bogus{i}", "10.0.0.1") == 0
    assert _try(t, store, "someone-new", "10.0.0.1") > 0
    assert _try(t, store, "viewer", "10.0.0.1", ok=True) == 0  # known here: only its own limits apply
    assert _try(t, store, "someone-new", "10.0.0.2") == 0  # another address is untouched


def test_client_address_honours_forwarded_for_only_from_a_trusted_proxy():
    trusted = proxies.parse_trusted(["127.0.0.1", "10.1.0.0/16"])
    assert proxies.client_address("127.0.0.1", ["203.0.113.9"], ()) == "127.0.0.1"
    assert proxies.client_address("192.0.2.1", ["203.0.113.9"], trusted) == "192.0.2.1"
    assert proxies.client_address("127.0.0.1", ["198.51.100.7, 203.0.113.9"], trusted) == "203.0.113.9"
    assert proxies.client_address("127.0.0.1", ["203.0.113.9, 10.1.2.3"], trusted) == "203.0.113.9"
    assert proxies.client_address("127.0.0.1", ["not-an-ip"], trusted) == "127.0.0.1"
    assert proxies.client_address("127.0.0.1", [], trusted) == "127.0.0.1"
    with pytest.raises(ValueError, match="trusted-proxy: 'nope'"):
        proxies.parse_trusted(["nope"])


# --- over HTTP, against a real uvicorn server -------------------------------------------


def _visitor(url: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, timeout=60)
    return client, csrf_from(client.get("/login").text)


def _post(visitor, name: str, password: str, xff: str | None = None) -> int:
    client, token = visitor
    headers = {"X-Forwarded-For": xff} if xff else {}
    r = client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"},
                    headers=headers, follow_redirects=False)
    return r.status_code


def test_forty_concurrent_wrong_passwords_check_at_most_five(backend_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    s = _open(backend_url)
    add_users(s)
    try:
        with LiveServer(_app(s)) as live:
            visitors = [_visitor(live.url) for _ in range(40)]
            barrier = threading.Barrier(40)
            codes: list[int] = []

            def guess(v):
                barrier.wait()
                codes.append(_post(v, "admin", "wrong guess"))

            threads = [threading.Thread(target=guess, args=(v,)) for v in visitors]
            for th in threads:
                th.start()
            for th in threads:
                th.join(timeout=120)
            assert len(codes) == 40 and set(codes) <= {401, 429}, codes
            assert codes.count(401) <= 5 and codes.count(429) >= 35, codes
            assert _post(visitors[0], "admin", PASSWORD) == 429  # locked: not even the right one is checked
            for v in visitors:
                v[0].close()
    finally:
        s.close()


def test_throttle_state_survives_a_new_app_on_the_same_store(backend_url, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TOLLWATCH_CACHE", str(tmp_path / "cache"))
    first = _open(backend_url)
    add_users(first)
    with LiveServer(_app(first)) as live:
        v = _visitor(live.url)
        assert [_post(v, "analyst", "wrong guess") for _ in range(5)] == [401] * 5
        v[0].close()
    first.close()
    again = _open(backend_url)  # a restart, or another worker: a new store object and app
    try:
        with LiveServer(_app(again)) as live:
            v = _visitor(live.url)
            assert _post(v, "analyst", PASSWORD) == 429
            assert _post(v, "viewer", PASSWORD) == 303
            v[0].close()
    finally:
        again.close()


def test_rotating_forwarded_for_from_an_untrusted_peer_changes_nothing(store):
    with LiveServer(_app(store, SignInThrottle(per_account=5, per_address=10))) as live:
        v = _visitor(live.url)
        codes = [_post(v, f"sprayed{i}", "wrong guess", xff=f"198.51.100.{i}") for i in range(25)]
        assert codes == [401] * 10 + [429] * 15
        v[0].close()


def test_a_trusted_proxy_names_the_client(store):
    throttle = SignInThrottle(per_account=5, per_address=3)
    with LiveServer(_app(store, throttle, trusted_proxies=["127.0.0.1"])) as live:
        v = _visitor(live.url)
        assert [_post(v, f"sprayed{i}", "wrong guess", xff="198.51.100.1") for i in range(4)] == [401] * 3 + [429]
        assert _post(v, "viewer", PASSWORD, xff="198.51.100.2") == 303  # another client behind the proxy
        v[0].close()


def test_twenty_bogus_sign_ins_do_not_lock_out_everyone_behind_the_address(store):
    with LiveServer(_app(store)) as live:  # the default limits
        v = _visitor(live.url)
        assert [_post(v, f"bogus{i}", "wrong guess") for i in range(20)] == [401] * 20
        for name in ("viewer", "junior"):
            assert _post(_visitor(live.url), name, PASSWORD) == 303
        v[0].close()


def test_tollwatch_serve_ignores_forwarded_for_without_trusted_proxy(db_url, tmp_path):
    """The real `tollwatch serve`: by default uvicorn trusts X-Forwarded-For from 127.0.0.1."""
    env = {**os.environ, "TOLLWATCH_CACHE": str(tmp_path / "cache")}
    exe = [sys.executable, "-c", "from tollwatch.cli.main import main; main()", "--db", db_url, "serve"]
    bad = subprocess.run([*exe, "--trusted-proxy", "nope"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode != 0 and "trusted-proxy: 'nope' is not an IP address" in bad.stderr
    assert "Traceback" not in bad.stderr
    port = free_port()
    proc = subprocess.Popen([*exe, "--port", str(port), "--log-level", "warning"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                v = _visitor(url)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "serve did not come up"
                time.sleep(0.3)
        codes = [_post(v, f"sprayed{i}", "wrong guess", xff=f"198.51.100.{i}") for i in range(51)]
        assert codes == [401] * 50 + [429]  # one address, however the header rotates
        v[0].close()
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
