"""Slow down password guessing at the sign-in form, with counts shared through the store.

The server guards confidential testimony behind passwords, so repeated wrong guesses must
cost the guesser time. Before a password is checked, the sign-in atomically reserves an
attempt in the store (app.auth.reserve_sign_in; the rules are in store/throttle_repo.py):

- per account: `per_account` (5) wrong passwords in `window_s` (5 minutes), from anywhere;
- per (address, account): `per_pair` (5) — the same by default, the one that still
  holds when a deployment raises `per_account`;
- per address: `per_address` (50) failures across all accounts, except for an account
  that signed in successfully from that address within `known_s` (30 days): a busy
  shared address does not lock out its regular users, whose own limits still apply.

A refused sign-in answers 429 *before* the password is checked, so a locked-out guesser
learns nothing from further tries, and a refusal adds nothing to any count. Because the
reservation is one transaction and a pending check counts as a failure, concurrent
guesses cannot overrun a limit, and every worker and restart sees the same counts.
The address is the peer's, or the client named by `X-Forwarded-For` only when the
peer is a trusted proxy (server/proxies.py).
"""

from __future__ import annotations

import time
from typing import Callable

from tollwatch.app import auth as accounts


class SignInThrottle:
    def __init__(
        self,
        per_account: int = 5,
        per_address: int = 50,
        window_s: float = 300.0,
        clock: Callable[[], float] = time.time,
        *,
        per_pair: int | None = None,
        known_s: float = 30 * 24 * 3600.0,
    ) -> None:
        # Wall-clock time, not monotonic: the counts are shared with other processes.
        self.limits = accounts.Limits(
            per_account=per_account,
            per_pair=per_account if per_pair is None else per_pair,
            per_address=per_address,
            window_s=window_s,
            known_s=known_s,
        )
        self.clock = clock

    def reserve(self, store, name: str, address: str | None) -> tuple[int | None, int]:
        """(attempt id, 0) when the password may be checked now; (None, seconds) when refused."""
        return accounts.reserve_sign_in(store, name, address, self.clock(), self.limits)

    def failed(self, store, attempt_id: int) -> None:
        accounts.sign_in_outcome(store, attempt_id, ok=False)

    def succeeded(self, store, attempt_id: int) -> None:
        """The right password clears the account's failures; the address keeps its record."""
        accounts.sign_in_outcome(store, attempt_id, ok=True)
