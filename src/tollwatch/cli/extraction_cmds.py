"""`tollwatch ingest` (report -> source + proposed claims) and `tollwatch review` (proposed -> decided)."""

from __future__ import annotations

from pathlib import Path

import click

from tollwatch.app import evidence as ev
from tollwatch.app import review as rv
from tollwatch.cli.context import pass_app
from tollwatch.cli.output import dumps
from tollwatch.core.model import ModelError, Quantity, ReviewStatus


def register(cli: click.Group) -> None:
    cli.add_command(ingest_cmd)
    cli.add_command(review_cmd)
    cli.add_command(extraction_group)


@click.group("extraction")
def extraction_group():
    """How the extraction rules fare in review, and the user lexicon that extends them."""


@extraction_group.command("report")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@pass_app
def extraction_report_cmd(app, fmt):
    """Per rule: proposals accepted, rejected, corrected and pending, worst acceptance first."""
    from tollwatch.app.extraction_report import rule_report

    with app.read() as r:
        rows = rule_report(r)
    if fmt == "jsonl":
        for row in rows:
            click.echo(dumps(row))
        return
    click.echo(f"{'rule':<20} {'proposed':>8} {'accepted':>8} {'rejected':>8} {'corrected':>9} {'pending':>7} {'acceptance':>10}")
    for row in rows:
        acc = "-" if row["acceptance"] is None else f"{row['acceptance']:.2f}"
        click.echo(f"{row['rule']:<20} {row['proposed']:>8} {row['accepted']:>8} {row['rejected']:>8} {row['corrected']:>9} {row['pending']:>7} {acc:>10}")


@extraction_group.group("lexicon")
def lexicon_group():
    """The user lexicon (TOLLWATCH_HOME/extraction/lexicon.yaml), loaded after the packaged one."""


@lexicon_group.command("add")
@click.argument("kind")
@click.argument("term")
@click.option("--lang", default="", help="Language of the term (en, ko, zh): a record for reviewers.")
def lexicon_add_cmd(kind, term, lang):
    """Add a cue word (KIND: produce, receive, supply, export, negation, ...) or a product term (KIND: product:ID)."""
    from tollwatch.app.extraction_lexicon import add_entry, lexicon_path

    entry, new = add_entry(kind, term, lang)
    click.echo(f"{'added' if new else 'already there'}: {entry.kind} {entry.term!r} in {lexicon_path()}")


@click.command("ingest")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--title", help="Title (default: the document's own title, else the file name).")
@click.option("--publisher")
@click.option("--url")
@click.option("--date", help="ISO date: YYYY, YYYY-MM or YYYY-MM-DD (also dates deadlines such as 'by Jan. 8').")
@click.option("--grade", help="Admiralty reliability grade A–F.")
@click.option("--sensitivity", default="public", show_default=True, help="public, restricted or confidential.")
@click.option("--kind", default="news", show_default=True, help="news, testimony, ngo_report, government, ...")
@click.option("--origin", help="Who the source ultimately rests on (an informant, a wire story).")
@click.option("--backend", type=click.Choice(["rule", "llm"]), default="rule", show_default=True)
@click.option("--llm-url", envvar="TOLLWATCH_LLM_URL", help="OpenAI-compatible endpoint base URL (…/v1).")
@click.option("--llm-model", envvar="TOLLWATCH_LLM_MODEL")
@click.option("--llm-key", envvar="TOLLWATCH_LLM_KEY", help="API key (better given by the environment).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_app
def ingest_cmd(app, path, title, publisher, url, date, grade, sensitivity, kind, origin, backend, llm_url, llm_model, llm_key, fmt):
    """Store a report (.txt .md .html .pdf .docx, English or Korean) and propose its claims for review."""
    from tollwatch.app.ingest import IngestOptions, ingest  # the extraction rules load only when needed

    options = IngestOptions(
        title=title, publisher=publisher, url=url, date=date, grade=grade, sensitivity=sensitivity, kind=kind,
        origin=origin, backend=backend, llm={"url": llm_url, "model": llm_model, "key": llm_key},
    )
    results = ingest(app.store, path, app.actor, options)
    if fmt == "json":
        for res in results:
            click.echo(dumps({"source_id": res.source.id, "claims": len(res.claims)}))
        return
    for res in results:
        click.echo(
            f"stored source {res.source.id} ({len(res.source.text)} characters, {res.language}, {res.source.sensitivity.value})"
        )
        click.echo(f"proposed {len(res.claims)} claims and {len(res.new_entities)} new entities; review with: tollwatch review --source {res.source.id}")
        with app.read() as r:
            rows = ev.claims_as_dicts(r, res.claims)
        for row in rows:
            click.echo(f"  {_line(row)}")
        for e in res.new_entities:
            click.echo(f"  new {e.kind.value}: {e.caption} [{e.id}]")


@click.command("review")
@click.option("--source", "source_id", help="Only claims from this source.")
@click.option("--limit", type=int, default=None, help="Stop after this many claims.")
@pass_app
def review_cmd(app, source_id, limit):
    """Go through proposed claims: [a]ccept, [r]eject, [e]dit, [m]erge a new entity, [s]kip, [q]uit."""
    with app.read() as r:
        pending = [c.id for c in r.list_claims(source_id=source_id, status=ReviewStatus.PROPOSED)]
    if not pending:
        click.echo("nothing to review")
        return
    tally = {"accepted": 0, "rejected": 0, "edited": 0, "merged": 0, "skipped": 0}
    total = len(pending) if limit is None else min(limit, len(pending))
    for n, cid in enumerate(pending[:total], 1):
        if _review_one(app, cid, f"[{n}/{total}]", tally) == "quit":
            break
    _tally(tally)


def _review_one(app, cid: str, position: str, tally: dict) -> str:
    """Ask about one claim until it is decided, skipped or the reviewer quits ("quit")."""
    while True:
        with app.read() as r:
            claim = r.get_claim(cid)
            if claim is None or claim.review.status != ReviewStatus.PROPOSED:
                return "done"
            row = ev.claims_as_dicts(r, [claim])[0]
            subj = r.get_entity(claim.subject_id)
            obj = r.get_entity(claim.object_id) if claim.object_id else None
        new_ents = [e for e in (subj, obj) if e is not None and e.is_new]
        _show_claim(claim, row, position, new_ents)
        choices = "a/r/e/" + ("m/" if new_ents else "") + "s/q"
        action = click.prompt(f"  accept, reject, edit{', merge' if new_ents else ''}, skip, quit [{choices}]", default="s", show_default=False).strip().lower()[:1]
        try:
            outcome = _act(app, action, claim, new_ents)
        except (ModelError, ValueError) as exc:
            click.echo(f"  error: {exc}", err=True)
            continue
        if outcome == "quit":
            return outcome
        tally[outcome] += 1
        if outcome != "merged":
            return outcome
        # merged: show the claim again with its new subject/object, and decide on it


def _show_claim(claim, row: dict, position: str, new_ents: list) -> None:
    click.echo("")
    click.echo(f"{position} {claim.id}  ({row['method']}, confidence {row['confidence']})")
    click.echo(f"  {_line(row)}")
    click.echo(f"  quote: “{row['quote']}”" if row["quote"] else "  quote: —")
    if row.get("note"):
        click.echo(f"  note: {row['note']}")
    for e in new_ents:
        click.echo(f"  new entity: {e.caption} [{e.id}]")


def _act(app, action: str, claim, new_ents: list) -> str:
    """Carry out one answer; the tally key it counts under, or "quit"."""
    if action == "a":
        with app.store.begin(app.actor) as tx:
            rv.accept(tx, claim.id)
        click.echo("  accepted")
        return "accepted"
    if action == "r":
        reason = click.prompt("  reason (optional)", default="", show_default=False).strip() or None
        with app.store.begin(app.actor) as tx:
            rv.reject(tx, claim.id, reason)
        click.echo("  rejected")
        return "rejected"
    if action == "e":
        _edit(app, claim)
        return "edited"
    if action == "m" and new_ents:
        _merge(app, new_ents)
        return "merged"
    if action == "q":
        return "quit"
    return "skipped"


def _edit(app, claim) -> None:
    pred = click.prompt("  predicate", default=claim.predicate.value).strip()
    if claim.object_id:
        target = click.prompt("  object (entity id or name)", default=claim.object_id).strip()
        kw = {"object_ref": target if target != claim.object_id else None}
    elif claim.quantity is not None:
        q = claim.quantity
        raw = click.prompt("  quantity (LOW-HIGH UNIT)", default=f"{q.low:g}-{q.high:g} {q.unit}").strip()
        kw = {"quantity": _parse_quantity(raw)}
    else:
        kw = {"value": click.prompt("  value", default=claim.value or "").strip()}
    note = click.prompt("  note", default=claim.note or "", show_default=False).strip() or None
    with app.store.begin(app.actor) as tx:
        edited = rv.edit(tx, claim, predicate=pred, note=note, **kw)
    click.echo(f"  edited: accepted {edited.id}, proposal rejected")


def _merge(app, new_ents: list) -> None:
    e = new_ents[0]
    if len(new_ents) > 1:
        which = click.prompt("  merge which [1=subject, 2=object]", default="1")
        e = new_ents[1] if which.strip() == "2" else new_ents[0]
    into = click.prompt(f"  merge {e.caption} into (entity id or name)").strip()
    with app.store.begin(app.actor) as tx:
        merged = rv.merge(tx, e.id, into)
    click.echo(f"  merged {e.id} into {merged.id}; now decide on the claim")


def _parse_quantity(raw: str):
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:[-–]\s*(\d+(?:\.\d+)?))?\s+(\S.*)", raw)
    if not m:
        raise ValueError(f"quantity: expected LOW-HIGH UNIT, got {raw!r}")
    low = float(m.group(1))
    high = float(m.group(2)) if m.group(2) else low
    return Quantity(low, high, m.group(3).strip())


def _tally(t: dict) -> None:
    click.echo("")
    click.echo(", ".join(f"{v} {k}" for k, v in t.items()))


def _line(row: dict) -> str:
    obj = row.get("object")
    if obj:
        target = f"{obj.get('name') or obj['id']} [{obj['id']}]"
    elif row.get("value") is not None:
        target = repr(row["value"])
    else:
        target = ""
    q = row.get("quantity")
    if q:
        rng = f"{q['low']:g}" if q["low"] == q["high"] or q["high"] is None else f"{q['low']:g}–{q['high']:g}"
        target = (target + " " if target else "") + f"{rng} {q['unit']}"
    subj = row["subject"]
    return f"{subj.get('name') or subj['id']} [{subj['id']}] —{row['predicate']}→ {target}  ({row['status']})"
