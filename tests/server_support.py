"""Helpers for the server tests: accounts, sign-in through the real form, a live uvicorn server."""

from __future__ import annotations

import re
import socket
import threading
import time

PASSWORD = "correct horse battery"
USERS = {
    "admin": ("admin", None),
    "analyst": ("analyst", "confidential"),  # cleared for testimony
    "junior": ("analyst", None),  # analyst with the default (restricted) clearance
    "viewer": ("viewer", None),
}


def add_users(store) -> dict[str, str]:
    """Create the test accounts; returns an API key per user."""
    from tollwatch.store import users_repo

    keys = {}
    with store.engine.begin() as conn:
        for name, (role, clearance) in USERS.items():
            users_repo.add_user(conn, name, role, password=PASSWORD, clearance=clearance)
            keys[name] = users_repo.create_api_key(conn, name, "tests")
    return keys


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def sign_in(client, name: str, password: str = PASSWORD):
    page = client.get("/login")
    token = csrf_from(page.text)
    r = client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return csrf_from(client.get("/").text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A real uvicorn server on 127.0.0.1 in a thread, stopped cleanly."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        from tollwatch.server.app import UVICORN_OPTIONS

        # The same proxy settings as `tollwatch serve`: uvicorn never rewrites the peer address.
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
                                                    **UVICORN_OPTIONS))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=10)


def wait_job(client, status_url: str, timeout: float = 120.0, headers: dict | None = None) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        st = client.get(status_url, headers=headers or {}).json()
        if st["status"] in ("done", "failed"):
            return st
        if time.monotonic() > deadline:
            raise AssertionError(f"job did not finish: {st}")
        time.sleep(0.2)
