"""`tollwatch demo`: the main job on the embedded default, end to end, with results on disk."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tollwatch.app import evidence as ev


def register(cli: click.Group) -> None:
    from tollwatch.cli.main import pass_app

    @cli.command()
    @click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("tollwatch-demo"), show_default=True, help="Where to write the results.")
    @pass_app
    def demo(app, out_dir: Path):
        """Set up the store with the bundled data and run every capability end to end."""
        out_dir.mkdir(parents=True, exist_ok=True)
        store = app.store
        written: list[tuple[str, Path]] = []
        step = _stepper()

        with store.read() as r:
            counts = r.counts()
        step(f"Store ready at {store.engine.url.render_as_string(hide_password=True)}: "
             f"{counts['entities']} entities, {counts['sources']} sources, {counts['claims']} claims (bundled reference data).")

        with store.read() as r:
            reports = [ev.entity_report(r, e) for e in r.find_entities("Kaechon") if e.kind.value == "facility"]
        path = out_dir / "kaechon.json"
        path.write_text(json.dumps(reports, ensure_ascii=False, indent=2), encoding="utf-8")
        written.append(("Both Kaechon facilities with names, coordinates and cited claims", path))
        for rep in reports:
            names = ", ".join(n["value"] for n in rep["names"][:5])
            step(f"  {rep['id']}: {rep['caption']} — {len(rep['claims'])} cited claims; names: {names}")

        for extra in _EXTRA_STEPS:
            written.extend(extra(app, out_dir, step) or [])

        from tollwatch.importers import ftm
        from tollwatch.importers.reference import trade_figures

        figures = trade_figures()
        step("China–DPRK hair-product trade as reported (China customs figures, cited):")
        for f in figures[:6]:
            value = f"US${int(f['value_usd']):,}" if f.get("value_usd") else "—"
            step(f"  {f['period']:<10} {f['flow']:<14} {f['hs_scope'][:38]:<38} {value:>14}  {f['source_publisher']}")
        path = out_dir / "trade_reference_figures.json"
        path.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
        written.append(("Reference trade figures with citations", path))

        path = out_dir / "tollwatch.ftm.jsonl"
        n = ftm.export_file(store, path, "ftm")
        written.append((f"FollowTheMoney export ({n} records) for Aleph / OpenSanctions tools", path))

        click.echo("")
        click.echo("Results:")
        for label, p in written:
            click.echo(f"  {p}  — {label}")
        click.echo("Browse everything with `tollwatch serve` and open http://127.0.0.1:8000/")


def _stepper():
    def step(message: str) -> None:
        click.echo(message)

    return step


def _demo_file(name: str) -> Path:
    from importlib import resources

    return Path(str(resources.files("tollwatch") / "demo" / name))


def _ingest_step(app, out_dir: Path, step) -> list:
    """Read a report, propose claims pointing at their passages."""
    from tollwatch.app.ingest import IngestOptions, ingest
    from tollwatch.core.errors import InputError

    note = _demo_file("analyst_note.md")
    try:
        results = ingest(app.store, note, app.actor, IngestOptions(publisher="tollwatch demo", kind="ngo_report", grade="C", origin="Daily NK"))
        source_id = results[0].source.id
        step(f"Ingested {note.name}: {len(results[0].claims)} claims proposed, each with its quote and span.")
    except InputError as exc:
        if "already ingested as" not in exc.message:
            raise
        source_id = exc.message.rsplit(" ", 1)[-1]
        step(f"{note.name} was ingested before, as {source_id}.")
    with app.store.read() as r:
        claims = ev.claims_as_dicts(r, r.list_claims(source_id=source_id))
    for c in claims[:8]:
        target = (c.get("object") or {}).get("name") or c.get("value") or c.get("quantity")
        step(f"  [{c['status']}] {c['subject']['name']} — {c['predicate']} — {target}: “{c['quote'][:70]}”")
    path = out_dir / "claims.jsonl"
    path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in claims), encoding="utf-8")
    return [("Claims proposed from the demo report (review them with `tollwatch review`)", path)]


def _screen_step(app, out_dir: Path, step) -> list:
    """Screen shipments against the bundled lists and the evidence graph."""
    from collections import Counter

    from tollwatch.app.screen import screen_file
    from tollwatch.app.screening import ensure_default_lists, loaded_lists, prepare

    ensure_default_lists(app.store)
    lists = loaded_lists(app.store)
    dates = ", ".join(f"{name} {meta.get('snapshot_date') or '?'}" for name, meta in sorted(lists.items()))
    step(f"Screening fictitious sample shipments against: {dates} and the evidence graph.")
    prepared = prepare(app.store)
    sample = _demo_file("sample_shipments_fictitious.csv")
    written = []
    counts: Counter = Counter()
    for fmt in ("html", "jsonl"):
        path = out_dir / f"screening.{fmt}"
        counts = screen_file(None, sample, path, fmt, progress=False, prepared=prepared).counts
        written.append((f"Screening results ({fmt})", path))
    levels = ("high", "medium", "low", "none")
    step("  rows by risk level: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in levels))
    return written


def _trade_step(app, out_dir: Path, step) -> list:
    """The trade report: imported statistics (if any) beside the bundled reference figures."""
    from tollwatch.app.trade import report, write_report

    rep = report(app.store, "CN", "KP")
    paths = write_report(rep, out_dir / "trade")
    html = next((p for p in paths if p.suffix == ".html"), paths[0])
    return [("Trade report with charts and the cited reference figures", html)]


# Capabilities add their demo steps here: each takes (app, out_dir, step) and returns
# [(label, path)] of what it wrote.
_EXTRA_STEPS: list = [_ingest_step, _screen_step, _trade_step]
