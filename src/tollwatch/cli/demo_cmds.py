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


def _stepper():
    def step(message: str) -> None:
        click.echo(message)

    return step


# Capabilities add their demo steps here: each takes (app, out_dir, step) and returns
# [(label, path)] of what it wrote.
_EXTRA_STEPS: list = []
