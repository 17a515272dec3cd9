"""`tollwatch rescreen NAME`: the saved book against the current lists and graph, as a diff.

Only rows a change can affect are screened again:
- a row one of whose names reaches an added, removed or changed record: a query key it
  looks up (core.name_tokens keys, the name-level keys, acronyms) is one such a record's
  names are posted under, or a token of it is spelt like one of theirs (the trigram
  expansion), or glued from one (the split lookup). Only retrieving tokens count: in a
  name with a strong token, legal forms and generic words only rank (retrieval skips them,
  retrieving_tokens says which), so a record they share cannot become a candidate by them;
- a row whose best candidate, reported or not, scored within MARGIN of the report floor:
  token weights are corpus statistics, so any list change moves every score a little, and
  only such a row can gain or lose a reported candidate or a score without touching a
  changed record;
- every row, when the evidence graph's risk facts changed, or when the index has grown or
  shrunk by more than MAX_DRIFT since the rows were last all screened.

The result equals a full re-screen's (tests/test_runs.py checks it on generated deltas).
"""

from __future__ import annotations

import copy
from functools import lru_cache

from tollwatch.app.decisions import annotate, standing
from tollwatch.app.run_diff import build_diff, same_result
from tollwatch.app.run_snapshot import key_hash, record_changes, records_snapshot
from tollwatch.app.runs import get_run, screened_with_rows, stored, version_meta
from tollwatch.app.screen import dated
from tollwatch.app.screening import prepare
from tollwatch.core import names as name_intel
from tollwatch.core.errors import InputError
from tollwatch.core.matching import RETRIEVES
from tollwatch.core.name_tokens import acronym_of, base_weight, token_keys, tokens, trigrams, variants
from tollwatch.engines.local import REPORT_FLOOR
from tollwatch.store import runs_repo
from tollwatch.store.repository import Store, now

MARGIN = 0.08  # score units: far above the drift a few percent of list change causes
MAX_DRIFT = 0.05  # share of the index's names added or removed before every row is re-screened
HOT_GRAM = 2500  # a trigram this common may cross the expansion's cut-off (3,000) with a change


class ChangeProbe:
    """Answers "can this query name reach a changed record?" from the changed records' names."""

    def __init__(self, prepared, old_snapshot: dict[str, list], changes: dict[str, dict]):
        self.keys: set[str] = set()
        self.hashed: set[str] = set()
        self.tokens: set[str] = set()
        self.acronyms: set[str] = set()
        live = {r.entity_id: r for r in prepared.index.records} if changes else {}
        labels: list[str] = []
        for eid in changes:
            old = old_snapshot.get(eid)
            if old is not None:
                labels += old[2]
                self.hashed.update(old[4])
            rec = live.get(eid)
            if rec is not None:
                labels += list(rec.names)
        for label in labels:
            self._add(label)
        grams: dict[str, set[str]] = {}
        for t in self.tokens:
            for g in trigrams(t):
                grams.setdefault(g, set()).add(t)
        self.grams = grams
        vocab = prepared.index.trigram_vocab
        self.hot = {g for g in grams if len(vocab.get(g, ())) >= HOT_GRAM}

    def _add(self, label: str) -> None:
        self.keys.update(name_intel.token_keys(label))
        for v in variants(label):
            toks = tokens(v)
            if not toks:
                continue
            for t in toks:
                self.tokens.add(t)
                self.keys.update(token_keys(t))
            a = acronym_of(toks)
            if len(a) >= 2:
                self.acronyms.add(a)
            if len(toks) == 1 and 2 <= len(toks[0]) <= 6:
                self.acronyms.add(toks[0])

    def reaches(self, name: str) -> bool:
        return _reaches(self, name)

    def token_reaches(self, t: str) -> bool:
        keys = token_keys(t)
        if t in self.tokens or not self.keys.isdisjoint(keys):
            return True
        if self.hashed and any(key_hash(k) in self.hashed for k in keys):
            return True
        if len(t) >= 4 and not t.isdigit():
            grams = trigrams(t)
            if not self.hot.isdisjoint(grams):
                return True
            counts: dict[str, int] = {}
            for g in grams:
                for c in self.grams.get(g, ()):
                    counts[c] = counts.get(c, 0) + 1
            need = max(2, int(len(grams) * 0.4))
            if any(c >= need for c in counts.values()):
                return True
        if len(t) >= 5 and t.isalpha():
            return any(t[:i] in self.tokens or t[i:] in self.tokens for i in range(2, len(t) - 1))
        return False


def retrieving_tokens(toks: tuple[str, ...]) -> tuple[str, ...]:
    """The tokens of one query variant that retrieve candidates, as MatchIndex.retrieve_names
    decides: with a strong token (base weight 0.5 or more) present, legal forms and generic
    words only rank, so a changed record they share cannot enter the candidates through them."""
    if any(base_weight(t) >= RETRIEVES for t in toks):
        return tuple(t for t in toks if base_weight(t) >= RETRIEVES)
    return toks


def _reaches(probe: ChangeProbe, name: str) -> bool:
    for v in variants(name):
        toks = tokens(v)
        if not toks:
            continue
        if any(probe.token_reaches(t) for t in retrieving_tokens(toks)):
            return True
        if "".join(toks).casefold() in probe.acronyms or acronym_of(toks) in probe.acronyms:
            return True
    return False


def affected_rows(conn, run_id: int, probe: ChangeProbe, floor: float, everything: bool) -> set[int]:
    """The rows to screen again (module docstring says which)."""
    reach = lru_cache(maxsize=None)(probe.reaches)
    out: set[int] = set()
    for seq, _qid, names, near, _holder in runs_repo.row_index(conn, run_id):
        if everything or near >= floor - MARGIN or any(reach(n) for n in names.split("\x1f") if n):
            out.add(seq)
    return out


def _screen(prepared, rows: list[dict], meta: dict, engine: str, spark_master: str | None):
    kw = {"threshold": meta["threshold"], "limit": meta.get("limit", 5), "datasets": meta.get("datasets")}
    if engine == "spark":
        from tollwatch.app.rescreen_spark import screen_on_spark

        return screen_on_spark(prepared, rows, master=spark_master, **kw)
    if engine != "local":
        raise InputError(f"unknown engine {engine!r} (use local or spark)", field="engine")
    return screened_with_rows(prepared, rows, **kw)


def rescreen(store: Store, actor: str, ref: str, *, engine: str = "local", spark_master: str | None = None, prepared=None) -> dict:
    """Screen the affected rows of run REF's latest version again; store a new version and its diff."""
    base = get_run(store, ref)
    if "@" in ref:
        raise InputError("rescreen takes a run's name: it always starts from the latest version", field="run")
    meta = base["meta"]
    prepared = dated(prepared or prepare(store))
    snapshot = records_snapshot(prepared)
    new_meta = version_meta(prepared, snapshot, threshold=meta["threshold"], limit=meta.get("limit", 5), datasets=meta.get("datasets"))
    new_meta |= {k: meta.get(k) for k in ("input", "input_sha256", "mapping")} | {"engine": engine}
    with store.engine.connect() as conn:
        old_snapshot = runs_repo.version_blob(conn, base["id"], "records") or {}
        changes = record_changes(old_snapshot, snapshot)
        baseline = meta.get("baseline_names") or meta.get("index_names") or 1
        drift = abs(new_meta["index_names"] - baseline) / baseline
        everything = meta.get("facts_version") != new_meta["facts_version"] or drift > MAX_DRIFT
        seqs = affected_rows(conn, base["id"], ChangeProbe(prepared, old_snapshot, changes), meta["threshold"] * REPORT_FLOOR, everything)
        olds = {seq: (row, result) for seq, row, result in _chunked_rows(conn, base["id"], seqs)}
        held = standing(conn, base["name"])
    ordered = sorted(olds)
    rows = [olds[s][0] for s in ordered]
    fresh = list(_screen(prepared, rows, meta, engine, spark_master))
    changed, pairs = [], []
    for seq, (row, result, near) in zip(ordered, fresh):
        before = olds[seq][1]
        body = stored(seq, row, result, near)
        if not same_result(before, body[5]) or _decided_and_changed(body[5], held, changes):
            pairs.append((seq, annotate(copy.deepcopy(before), row, held, old_snapshot), annotate(copy.deepcopy(body[5]), row, held, snapshot)))
        changed.append(body)
    diff = build_diff(pairs, changes, meta, new_meta)
    diff |= {"run": base["name"], "from_version": base["version"], "to_version": base["version"] + 1, "at": now(),
             "rows": meta.get("rows"), "rescreened": len(seqs), "full": everything}
    new_meta |= {"rows": meta.get("rows"), "changed_rows": len(pairs), "rescreened": len(seqs), "full": everything,
                 "baseline_names": new_meta["index_names"] if everything else baseline, "counts": _counts(meta.get("counts") or {}, pairs)}
    with store.begin(actor) as tx:
        run_id = runs_repo.add_version(tx, base["name"], base["version"] + 1, base["id"], new_meta, snapshot, diff, diff["at"])
        runs_repo.add_rows(tx.conn, run_id, changed)
    return diff


def _decided_and_changed(result: dict, held: dict, changes: dict) -> bool:
    """A decided hit whose record changed: the diff must say whether a clearing is reopened."""
    qid = str(result["query_id"])
    return any(m["entity_id"] in changes and (qid, m["entity_id"]) in held for m in result["matches"])


def _chunked_rows(conn, run_id: int, seqs: set[int]):
    ordered = sorted(seqs)
    for i in range(0, len(ordered), 800):
        yield from runs_repo.iter_rows(conn, run_id, set(ordered[i : i + 800]))


def _counts(before: dict, pairs: list[tuple[int, dict, dict]]) -> dict:
    out = dict(before)
    for _, a, b in pairs:
        out[a["risk"]["level"]] = out.get(a["risk"]["level"], 0) - 1
        out[b["risk"]["level"]] = out.get(b["risk"]["level"], 0) + 1
    return out


def latest_diff(store: Store, name: str) -> dict | None:
    """The diff the latest rescreen of NAME wrote (None before the first)."""
    v = get_run(store, name)
    with store.engine.connect() as conn:
        return runs_repo.version_blob(conn, v["id"], "diff")


def compare_versions(store: Store, ref_a: str, ref_b: str) -> dict:
    """The diff between two versions screened in full (or any two), over every row: rescreen's check."""
    a, b = get_run(store, ref_a), get_run(store, ref_b)
    with store.engine.connect() as conn:
        snap_a = runs_repo.version_blob(conn, a["id"], "records") or {}
        snap_b = runs_repo.version_blob(conn, b["id"], "records") or {}
        held = standing(conn, b["name"])
        changes = record_changes(snap_a, snap_b)
        pairs = []
        for (seq, row, ra), (_, _, rb) in zip(runs_repo.iter_rows(conn, a["id"]), runs_repo.iter_rows(conn, b["id"])):
            if not same_result(ra, rb) or _decided_and_changed(rb, held, changes):
                pairs.append((seq, annotate(ra, row, held, snap_a), annotate(rb, row, held, snap_b)))
    return build_diff(pairs, changes, a["meta"], b["meta"])
