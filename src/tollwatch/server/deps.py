"""FastAPI dependencies the route modules share: the server state, who is asking, writers.

`request.state.principal` is set by the middleware for every request (see app.py);
these only read it. Use them as `state: State`, `p: CurrentPrincipal`, `p: Writer`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tollwatch.server import auth
from tollwatch.server.state import ServerState


# `async def`: these only read what is there, so they run on the event loop; a plain `def`
# dependency is sent to the thread pool and back, twice per /match (benchmarks/match_profile.py).
async def get_state(request: Request) -> ServerState:
    return request.app.state.tw


async def current_principal(request: Request) -> auth.Principal:
    return request.state.principal


async def api_writer(request: Request) -> auth.Principal:
    """An analyst or admin, with the CSRF header when the call rides on a session cookie."""
    p = auth.require_writer(request)
    auth.check_csrf(request, None)
    return p


State = Annotated[ServerState, Depends(get_state)]
CurrentPrincipal = Annotated[auth.Principal, Depends(current_principal)]
Writer = Annotated[auth.Principal, Depends(api_writer)]
