"""Run one CPU-heavy step (parse a document, extract claims, read a workbook) in its own process.

A thread would share the interpreter lock with the web server, and a long regular-expression
or XML call on hostile text holds that lock for seconds, so /healthz would stall. A process
does not, and past its wall-clock limit it is killed, which no thread can be. Processes come
from a fork server started once, with tollwatch's modules already imported, so each step
starts in milliseconds, not seconds. Errors come back as the same one-line errors.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from typing import Any

from tollwatch.core.errors import InputError
from tollwatch.core.model import ModelError

# The Korean model too (engines.korean_loaded): loaded once in the fork server, every step
# forked from it shares it, instead of each upload loading it again.
PRELOAD = ["tollwatch.app.ingest", "tollwatch.app.screen", "tollwatch.core.extraction", "tollwatch.engines.korean_loaded"]
_context_lock = threading.Lock()
_context: Any = None


def _ctx():
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
    return _context


def warm() -> None:
    """Start the fork server now (it imports PRELOAD, the Korean model included), not on the first upload."""
    from multiprocessing import forkserver

    _ctx()
    forkserver.ensure_running()


def _child(conn, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except InputError as exc:
        conn.send(("input", (exc.message, exc.path, exc.line, exc.field)))
    except ModelError as exc:
        conn.send(("model", (exc.field, exc.message)))
    except Exception as exc:  # noqa: BLE001 - the type only: a message may quote the file
        conn.send(("other", type(exc).__name__))
    finally:
        conn.close()


def run_isolated(fn: Callable[..., Any], *args: Any, timeout: float, what: str = "the file", **kwargs: Any) -> Any:
    """fn(*args, **kwargs) in a fresh process (fn and its arguments picklable), killed after `timeout` seconds."""
    ctx = _ctx()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, kwargs), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise InputError(f"reading took longer than the {timeout:g}-second limit per job", path=what, field="time")
        try:
            kind, value = parent.recv()
        except EOFError:
            raise InputError("the reader stopped without an answer (out of memory?)", path=what, field="content") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if kind == "ok":
        return value
    if kind == "input":
        message, path, line, field = value
        raise InputError(message, path=path, line=line, field=field)
    if kind == "model":
        raise ModelError(value[0], value[1])
    raise RuntimeError(value)
