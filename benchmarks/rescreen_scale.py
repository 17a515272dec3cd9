"""Delta rescreen at scale: a saved run of N generated rows, a 1% list delta, rescreen vs a full run.

    nice .venv/bin/python benchmarks/scale.py --rescreen --rows 1000000 --write-docs

Steps, each timed: a fresh store with the bundled lists; `screen --save` of the generated
bill-of-lading file (scale.generate); a 1% delta of the lists' records (a third removed, a
third with an alias renamed, a third added, some of them named like suppliers in the book);
the new index built once (both runs below use it, as `watch` would after `lists update`);
`rescreen`; then the full run it replaces, `screen --save` of the same file on the new lists.
Identity: every row of the rescreened version against the full run's, and the rescreen's
diff against the diff of the two full runs.
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
import time
from pathlib import Path

START, END = "<!-- rescreen:start -->", "<!-- rescreen:end -->"


def _delta(store, share: float, book_names: list[str], seed: int = 5) -> dict:
    """Change `share` of the list records in the store: removes, renamed aliases, adds."""
    from tollwatch.core.model import Name, Sensitivity
    from tollwatch.store import lists as store_lists

    rng = random.Random(seed)
    with store.read(Sensitivity.PUBLIC) as r:
        meta = store_lists.list_metadata(r)
        entities = store_lists.list_entities(r, list(meta))
    total = len(entities)
    k = max(3, int(total * share) // 3)
    rng.shuffle(entities)
    removed, renamed, rest = entities[:k], entities[k : 2 * k], entities[2 * k :]
    renamed = [dataclasses.replace(e, names=[*e.names[:-1], Name.of(e.caption + " " + rng.choice(["Trading", "Group", "Intl"]))] if len(e.names) > 1 else [*e.names, Name.of(e.caption.split()[0] + " Holdings")]) for e in renamed]
    added = []
    for i, src in enumerate(rng.sample(rest, k)):
        name = book_names[i] if i < len(book_names) // 2 else src.caption + " Branch"
        added.append(dataclasses.replace(src, id=f"{src.id}-delta{i}", caption=name, names=[Name.of(name)], identifiers=[]))
    by_ds: dict[str, list] = {}
    for e in rest + renamed + added:
        by_ds.setdefault(e.dataset, []).append(e)
    with store.begin("benchmark") as tx:
        for ds, ents in by_ds.items():
            store_lists.replace_dataset(tx, ds, ents, None)
            m = dict(meta[ds])
            m["snapshot_date"] = "2026-12-01"
            tx.set_meta(store_lists.META_PREFIX + ds, json.dumps(m))
    return {"records": total, "removed": len(removed), "renamed": len(renamed), "added": len(added), "share": round(3 * k / total, 4)}


def _timed(fn, *a, **kw):
    t = time.perf_counter()
    out = fn(*a, **kw)
    return out, round(time.perf_counter() - t, 1)


def _identical(store) -> dict:
    from tollwatch.app.rescreen import compare_versions, latest_diff
    from tollwatch.store import runs_repo

    with store.engine.connect() as conn:
        a, b = runs_repo.get_version(conn, "book"), runs_repo.get_version(conn, "full")
        same = rows = 0
        for (_, _, ra), (_, _, rb) in zip(runs_repo.iter_rows(conn, a["id"]), runs_repo.iter_rows(conn, b["id"])):
            rows += 1
            same += ra == rb
    diff, full = latest_diff(store, "book"), compare_versions(store, "book@1", "full@1")
    keys = ("new_hits", "gone_hits", "risk_changes")
    return {"rows": rows, "identical_rows": same, "diff_equal": all(diff[k] == full[k] for k in keys), **{k: len(diff[k]) for k in keys}}


def run(rows: int, workdir: Path) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import scale

    from tollwatch.app.evidence import open_store
    from tollwatch.app.rescreen import rescreen
    from tollwatch.app.runs import save_screening
    from tollwatch.app.screening import prepare

    store = open_store(f"sqlite:///{workdir / 'rescreen.db'}")
    prepared, t_prepare = _timed(prepare, store)
    recs = prepared.index.records
    rng = random.Random(1)
    listed = [r.caption for r in rng.sample([r for r in recs if r.dataset != "tollwatch"], 2000)]
    graph = [r.caption for r in recs if r.dataset == "tollwatch" and r.info.get("kind") == "organization"]
    data = workdir / "book.csv"
    info = scale.generate(data, rows, listed, graph)
    saved, t_save = _timed(save_screening, store, "benchmark", "book", data, None, write_output=False)
    book_names = [f"{p} {s} Trading Co., Ltd." for p, s in zip(scale.PLACES, scale.STEMS)]
    delta = _delta(store, 0.01, book_names)
    _, t_index = _timed(prepare, store)
    diff, t_rescreen = _timed(rescreen, store, "benchmark", "book")
    _, t_full = _timed(save_screening, store, "benchmark", "full", data, None, write_output=False)
    identity, t_check = _timed(_identical, store)
    return {"rows": rows, "input": info, "delta": delta, "prepare_s": t_prepare, "save_v1_s": t_save, "index_after_delta_s": t_index,
            "rescreen_s": t_rescreen, "full_s": t_full, "ratio": round(t_rescreen / t_full, 3), "rescreened_rows": diff["rescreened"],
            "identity": identity, "check_s": t_check, "saved": {k: saved[k] for k in ("rows", "counts")}}


def write_docs(result: dict, docs: Path, machine: str) -> None:
    d, idn = result["delta"], result["identity"]
    body = f"""{START}
## Rescreen after a list delta

`benchmarks/scale.py --rescreen`: a saved run of {result['rows']:,} generated bill-of-lading rows (the scale benchmark's file), the bundled lists changed by {d['share']:.1%} of their {d['records']:,} records ({d['removed']} removed, {d['renamed']} with an alias renamed, {d['added']} added, some named like suppliers in the book), then `rescreen` against `screen --save` of the same file on the new lists. Both are given the new lists' prepared index (built once after the change, {result['index_after_delta_s']} s, as after `lists update`).

| step | wall s |
|---|---|
| full run: `screen --save` on the new lists | {result['full_s']} |
| `rescreen` | {result['rescreen_s']} |
| rescreen / full | {result['ratio']} |

Re-screened {result['rescreened_rows']:,} of {result['rows']:,} rows. Identity: {idn['identical_rows']:,} of {idn['rows']:,} rows of the rescreened version equal the full run's; the rescreen's diff ({idn['new_hits']} new hits, {idn['gone_hits']} gone, {idn['risk_changes']} risk changes) {'equals' if idn['diff_equal'] else 'DIFFERS FROM'} the diff of the two full runs.
First save of the run: {result['save_v1_s']} s. Run with `nice` on {machine}.
{END}"""
    text = docs.read_text(encoding="utf-8")
    if START in text:
        text = text[: text.index(START)] + body + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + body + "\n"
    docs.write_text(text, encoding="utf-8")
