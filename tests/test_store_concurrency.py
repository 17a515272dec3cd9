"""Two processes writing to one store at once: nothing lost, nothing refused, every change audited.

Runs against SQLite (WAL, busy timeout, IMMEDIATE write transactions) and PostgreSQL
(row locks, insert-if-absent, advisory locks for first open)."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from collections import defaultdict

from sqlalchemy import text
from store_support import (  # noqa: F401  (backend_url is a fixture)
    SHARED_BUYER,
    backend_url,
    concurrent_worker,
    worker_text,
)

from tollwatch.app import evidence as ev
from tollwatch.core.model import claim_id
from tollwatch.core.model import Claim, Evidence, Predicate, ReviewStatus, Sensitivity

N_SOURCES = 25
N_SHARED = 30


def _shared_claims(store) -> list[str]:
    """A source with N_SHARED proposed claims, which both desks will review."""
    body = " ".join(f"note{j:02d}" for j in range(N_SHARED))
    source = ev.make_source(body, title="shared tip sheet", kind="ngo_report")
    ids = []
    with store.begin("setup") as tx:
        tx.add_source(source)
        for j in range(N_SHARED):
            quote = f"note{j:02d}"
            start = body.index(quote)
            span = (start, start + len(quote))
            cid = claim_id("KP-KHS-001", "produces", "value:" + quote, source.id, span)
            tx.add_claim(
                Claim(cid, "KP-KHS-001", Predicate.PRODUCES, Evidence(source.id, quote, span), value=quote)
            )
            ids.append(cid)
    return ids


def _audit(store) -> list[dict]:
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        return sorted(r.audit(limit=100_000), key=lambda e: e["id"])


def test_two_processes_ingest_and_review_at_once(backend_url):
    store = ev.open_store(backend_url)
    shared = _shared_claims(store)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        before = r.counts()
    audit_before = len(_audit(store))

    ctx = multiprocessing.get_context("spawn")
    barrier, errors = ctx.Barrier(2), ctx.Queue()
    workers = [
        ctx.Process(target=concurrent_worker, args=(backend_url, w, N_SOURCES, shared, barrier, errors))
        for w in (0, 1)
    ]
    for p in workers:
        p.start()
    for p in workers:
        p.join(timeout=240)
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert not failures, "\n".join(failures)
    assert [p.exitcode for p in workers] == [0, 0]

    with store.read(Sensitivity.CONFIDENTIAL) as r:
        after = r.counts()
        assert after["sources"] == before["sources"] + 2 * N_SOURCES
        assert after["claims"] == before["claims"] + 2 * N_SOURCES
        assert after["entities"] == before["entities"] + 1  # the shared new buyer, once
        buyer = r.get_entity(SHARED_BUYER)
        assert buyer is not None and buyer.is_new
        assert len(r.list_claims(entity_id=SHARED_BUYER)) == 2 * N_SOURCES
        final = {c.id: c.review for c in r.list_claims() if c.id in set(shared)}

    entries = _audit(store)[audit_before:]
    by_actor = defaultdict(lambda: defaultdict(int))
    for e in entries:
        by_actor[e["actor"]][(e["action"], e["target_kind"])] += 1
    for desk in ("desk-0", "desk-1"):
        assert by_actor[desk][("create", "source")] == N_SOURCES
        assert by_actor[desk][("create", "claim")] == N_SOURCES
        assert by_actor[desk][("review", "claim")] == N_SHARED
    assert by_actor["desk-0"][("create", "entity")] + by_actor["desk-1"][("create", "entity")] == 1

    # No lost update: each claim's two reviews form a chain that ends in its stored status.
    reviews = defaultdict(list)
    for e in entries:
        if e["action"] == "review":
            reviews[e["target_id"]].append(e)
    assert set(reviews) == set(shared)
    for cid, chain in reviews.items():
        assert [x["detail"]["from"] for x in chain][0] == "proposed"
        assert chain[1]["detail"]["from"] == chain[0]["detail"]["to"], (cid, chain)
        assert final[cid].status.value == chain[1]["detail"]["to"]
        assert final[cid].by == chain[1]["actor"]
    store.close()


def _tollwatch(url: str, *args: str) -> list[str]:
    # The console script's own code: `python -m tollwatch.cli.main` would load the CLI module twice.
    return [sys.executable, "-c", "from tollwatch.cli.main import main; main()", "--db", url, *args]


def _run_pair(commands: list[list[list[str]]]) -> None:
    """Run two sequences of CLI commands side by side; each sequence in its own shell process."""
    import shlex

    procs = [
        subprocess.Popen(
            ["sh", "-ec", " && ".join(shlex.join(c) for c in seq)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seq in commands
    ]
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, f"exit {p.returncode}\nstdout: {out}\nstderr: {err}"


def test_two_cli_processes_init_ingest_and_review_at_once(backend_url, tmp_path):
    # First open of an empty store from two processes: migrations and reference data once.
    _run_pair([[_tollwatch(backend_url, "--actor", f"desk-{w}", "init")] for w in (0, 1)])
    store = ev.open_store(backend_url)
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        base = r.counts()
        targets = [c.id for c in r.list_claims()][:3]
    with store.engine.connect() as conn:
        loads = conn.execute(text("SELECT count(*) FROM audit_log WHERE target_id = 'KP-KHS-001'")).scalar()
    assert loads == 1  # the reference entity was created once, not loaded twice

    from tollwatch.cli.main import cli

    # Desks ingest their own reports (or only store them, where `ingest` is not in this build).
    ingest = ["ingest"] if "ingest" in cli.commands else ["sources", "add"]
    files = {}
    for w in (0, 1):
        for k in range(3):
            f = tmp_path / f"desk{w}-{k}.txt"
            f.write_text(
                f"Report {k} from desk {w}. Inmates at the Kaechon prison camp make wigs and false eyelashes for export to China.\n",
                encoding="utf-8",
            )
            files[(w, k)] = f
    _run_pair([[_tollwatch(backend_url, "--actor", f"desk-{w}", *ingest, str(files[(w, k)])) for k in range(3)] for w in (0, 1)])
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        assert r.counts()["sources"] == base["sources"] + 6
        proposed = [c.id for c in r.list_claims(status=ReviewStatus.PROPOSED)]
        created = [e for e in r.audit(limit=100_000) if e["action"] == "create" and e["target_kind"] == "source" and e["actor"].startswith("desk-")]
    assert len(created) == 6 and {e["actor"] for e in created} == {"desk-0", "desk-1"}
    if ingest == ["ingest"]:
        assert len(proposed) >= 6, "each report should propose claims"
    targets = proposed[:6] or targets  # review what was just proposed (or reference claims)

    # Both desks review the same claims in the same order: every review races the other desk's.
    _run_pair(
        [
            [_tollwatch(backend_url, "--actor", f"desk-{w}", "claims", "reject" if w else "accept", cid) for cid in targets]
            for w in (0, 1)
        ]
    )
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        reviews = [e for e in r.audit(limit=100_000) if e["action"] == "review"]
        final = {c.id: c.review.status for c in r.list_claims() if c.id in targets}
    assert len(reviews) == 2 * len(targets)
    for cid in targets:
        chain = sorted((e for e in reviews if e["target_id"] == cid), key=lambda e: e["id"])
        assert len(chain) == 2
        assert chain[1]["detail"]["from"] == chain[0]["detail"]["to"]
        assert final[cid] == ReviewStatus(chain[1]["detail"]["to"])
    store.close()
