"""Real-text figures for benchmarks/extraction.py: recall and precision on ../shared/data/extraction_dev.

Each text is run the way its README documents (a fresh store per text, `ingest` with the title,
publisher, URL and date of its .meta.json, then the claims of that source as `claims list --format
jsonl` gives them), and scored with the set's own score.py, imported from ../shared at run time
(never copied). The texts are read from ../shared too; nothing of them is written here.
"""

from __future__ import annotations

import importlib.util
import json
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "extraction_dev"


def load_scorer(dev: Path = DEV) -> ModuleType:
    spec = importlib.util.spec_from_file_location("extraction_dev_score", dev / "score.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


# The set's score.py predates the labour predicates; its gold writes a company's North Korean
# workforce as [reported_role, contracts_with, holds_prisoners, work_unit_size]. An employs_workers
# claim is scored as work_unit_size when it carries a head count (so the set's traps on wrong head
# counts still catch it) and as reported_role when it does not; dispatched_by as contracts_with.
SCORED_AS = {"employs_workers": ("work_unit_size", "reported_role"), "dispatched_by": ("contracts_with", "contracts_with")}


def for_scorer(rows: list[dict]) -> list[dict]:
    """The claims with the labour predicates renamed to the ones the set's gold uses."""
    out = []
    for row in rows:
        names = SCORED_AS.get(row.get("predicate") or "")
        if names:
            row = {**row, "predicate": names[0] if row.get("quantity") else names[1], "model_predicate": row["predicate"]}
        out.append(row)
    return out


def claims_of(text_path: Path, meta: dict, tmp: Path) -> tuple[list[dict], float]:
    """The source's claims as `claims list --format jsonl` gives them, and the ingest time."""
    from tollwatch.app.evidence import claims_as_dicts, open_store
    from tollwatch.app.ingest import IngestOptions, ingest
    from tollwatch.core.model import Sensitivity

    store = open_store(f"sqlite:///{tmp}/{text_path.stem}.db")
    options = IngestOptions(title=meta.get("title"), publisher=meta.get("publisher"), url=meta.get("url"), date=meta.get("date") or None)
    t0 = time.perf_counter()
    (res,) = ingest(store, text_path, "benchmark", options)
    seconds = time.perf_counter() - t0
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        rows = claims_as_dicts(r, r.list_claims(source_id=res.source.id))
    store.close()
    return for_scorer(json.loads(json.dumps(rows, default=str))), seconds


def _by_predicate(scorer: ModuleType, gold: dict, claims: list[dict], table: dict[str, dict[str, int]]) -> None:
    """Recall per gold predicate (a list of acceptable ones is written a|b), precision per proposed predicate."""
    required, optional, forbidden = gold.get("claims", []), gold.get("optional", []), gold.get("forbidden", [])
    for g in required:
        p = g.get("predicate", "*")
        row = table.setdefault("|".join(p) if isinstance(p, list) else p, dict.fromkeys(("gold", "found", "proposed", "good"), 0))
        row["gold"] += 1
        row["found"] += any(scorer.matches(g, c) for c in claims)
    for c in claims:
        row = table.setdefault(c.get("model_predicate") or c.get("predicate") or "?", dict.fromkeys(("gold", "found", "proposed", "good"), 0))
        row["proposed"] += 1
        row["good"] += not any(scorer.matches(f, c) for f in forbidden) and any(scorer.matches(g, c) for g in required + optional)


def run_dev(dev: Path = DEV) -> dict | None:
    """Per-text results, aggregates (overall and per language), per-predicate counts, throughput."""
    if not (dev / "score.py").exists():
        return None
    scorer = load_scorer(dev)
    results: list[dict] = []
    predicates: dict[str, dict[str, int]] = {}
    chars, seconds = 0, 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for gold_path in sorted(dev.glob("*.gold.json")):
            name = gold_path.name.removesuffix(".gold.json")
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            meta = json.loads((dev / f"{name}.meta.json").read_text(encoding="utf-8"))
            claims, took = claims_of(dev / f"{name}.txt", meta, Path(tmp))
            result = scorer.score(gold, claims)
            result["lang"] = result.get("lang") or meta.get("language")
            result["doc"] = name
            results.append(result)
            _by_predicate(scorer, gold, claims, predicates)
            chars += len((dev / f"{name}.txt").read_text(encoding="utf-8"))
            seconds += took
    return {"results": results, "aggregate": scorer.aggregate(results), "predicates": predicates, "chars": chars, "seconds": seconds}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def render_dev(dev: dict | None) -> list[str]:
    if dev is None:
        return ["Real texts: ../shared/data/extraction_dev is not here; skipped.", ""]
    lines = ["### Real texts (../shared/data/extraction_dev, scored with its score.py)", "",
             "Each text ingested into a fresh store as its README documents; recall over required gold entries,",
             "precision over all proposals (optional entries count as right, forbidden ones as wrong).",
             "The set's score.py predates the labour predicates: an `employs_workers` claim is scored as `work_unit_size`",
             "when it carries a head count (so the set's traps on wrong head counts still catch it) and as `reported_role`",
             "when it does not, the predicates its gold lists for a company's North Korean workforce; the table by",
             "predicate counts proposals under the model's own predicate.", "",
             "| scope | texts | gold | found | recall | proposed | good | precision |", "|---|---|---|---|---|---|---|---|"]
    for scope, t in dev["aggregate"].items():
        lines.append(f"| {scope} | {t['docs']} | {t['gold']} | {t['found']} | {_ratio(t['found'], t['gold'])} | "
                     f"{t['proposed']} | {t['good']} | {_ratio(t['good'], t['proposed'])} |")
    lines += ["", "| text | lang | gold | found | proposed | good |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['doc']} | {r['lang']} | {r['gold']} | {r['found']} | {r['proposed']} | {r['good']} |" for r in dev["results"]]
    lines += ["", "By predicate (gold predicates a|b: any of them is right):", "",
              "| predicate | gold | found | recall | proposed | good | precision |", "|---|---|---|---|---|---|---|"]
    for p, t in sorted(dev["predicates"].items()):
        lines.append(f"| {p} | {t['gold']} | {t['found']} | {_ratio(t['found'], t['gold'])} | {t['proposed']} | {t['good']} | {_ratio(t['good'], t['proposed'])} |")
    rate = dev["chars"] / dev["seconds"] if dev["seconds"] else 0.0
    lines += ["", f"Ingest throughput on these texts (reading, extraction, storing): {dev['chars']:,} characters in "
              f"{dev['seconds']:.2f} s = {rate:,.0f} chars/s.", ""]
    return lines
