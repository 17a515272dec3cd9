"""Score the extractor on our own set of real reports (issue 11, item 6).

The repository keeps only gold and metadata (benchmarks/data/extraction_own/NAME.gold.json,
NAME.meta.json): each gold entry has a character `span` [start, end] into the text instead of
a `why` sentence, since news text is copyrighted. The texts are read at run time from
$TOLLWATCH_REAL_TEXTS (default /work/devset_texts), checked against their sha256, run exactly
as ../shared/data/extraction_dev/README.md shows (a fresh store per text, `tollwatch ingest`,
`claims list --format jsonl`) and scored with ../shared/data/extraction_dev/score.py, imported
from there at run time (never copied). Texts that are absent are named and left out of the
figures; with none present it says so and exits 0.

Rebuilding the texts: each NAME.meta.json gives the page's `url` and, from batch 2 on, the
`search_query` that found it with the search tool (corpus `pages`, a stored copy of the page's
opening); `note` says what was dropped. Cut the stored opening as `note` says, at most ~2,000
characters ending at a sentence end, paragraphs joined by a blank line, one trailing newline,
and check the sha256 (benchmarks/data/extraction_own/README.md).

    nice python benchmarks/extraction_own.py [--json OUT]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "extraction_own"
SCORER = ROOT.parent / "shared" / "data" / "extraction_dev" / "score.py"
TEXTS = Path(os.environ.get("TOLLWATCH_REAL_TEXTS", "/work/devset_texts"))


def load_scorer():
    spec = importlib.util.spec_from_file_location("extraction_dev_score", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def gold_with_why(gold: dict, text: str) -> dict:
    """The scorer reports a miss by its `why`: filled here, in memory, from the span."""
    out = dict(gold)
    for key in ("claims", "optional", "forbidden"):
        out[key] = [{**g, "why": text[g["span"][0]:g["span"][1]] if g.get("span") else ""} for g in gold.get(key, [])]
    return out


def tollwatch(env: dict, *args: str) -> str:
    cmd = [sys.executable, "-m", "tollwatch.cli.main", *args]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"tollwatch {args[0]} failed: {done.stderr.strip()[-400:]}")
    return done.stdout


def run_one(name: str, meta: dict, text_path: Path) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="tollwatch-real-") as work:
        env = {**os.environ, "TOLLWATCH_DB": f"sqlite:///{work}/{name}.db", "TOLLWATCH_HOME": f"{work}/home",
               "PYTHONPATH": str(ROOT / "src")}
        tollwatch(env, "init")
        args = ["ingest", str(text_path), "--title", meta["title"], "--publisher", meta["publisher"], "--url", meta["url"], "--format", "json"]
        if meta.get("date"):
            args += ["--date", meta["date"]]
        report = json.loads(tollwatch(env, *args))
        source_id = report.get("source_id") or report.get("source", {}).get("id")
        lines = tollwatch(env, "claims", "list", "--source", source_id, "--format", "jsonl")
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from extraction_real import for_scorer  # employs_workers scored as the set's workforce predicates

        return for_scorer([json.loads(x) for x in lines.splitlines() if x.strip()])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write per-text results and aggregates here")
    opts = parser.parse_args(argv)
    golds = sorted(DATA.glob("*.gold.json"))
    missing = [g.name.removesuffix(".gold.json") for g in golds if not (TEXTS / g.name.replace(".gold.json", ".txt")).exists()]
    if not golds or len(missing) == len(golds) or not SCORER.exists():
        why = "no gold files" if not golds else (f"scorer not found at {SCORER}" if not SCORER.exists() else f"texts absent from {TEXTS} ({len(missing)} of {len(golds)})")
        print(f"extraction_own: skipped: {why}; set TOLLWATCH_REAL_TEXTS to the folder of NAME.txt files")
        return 0
    if missing:
        print(f"extraction_own: {len(missing)} of {len(golds)} texts absent from {TEXTS}, left out of the figures: {', '.join(missing)}")
    scorer = load_scorer()
    results = []
    for gold_path in (g for g in golds if g.name.removesuffix(".gold.json") not in missing):
        name = gold_path.name.removesuffix(".gold.json")
        meta = json.loads((DATA / f"{name}.meta.json").read_text(encoding="utf-8"))
        text_path = TEXTS / f"{name}.txt"
        raw = text_path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != meta["sha256"]:
            raise SystemExit(f"{text_path}: sha256 differs from {name}.meta.json: not the annotated text")
        gold = gold_with_why(json.loads(gold_path.read_text(encoding="utf-8")), raw.decode("utf-8"))
        result = scorer.score(gold, run_one(name, meta, text_path))
        result["batch"] = meta.get("batch", "1")
        results.append(result)
        print(f"{name:40s} {result['lang']} recall {result['found']}/{result['gold']}  precision {result['good']}/{result['proposed']}")
    summary = {"all batches": scorer.aggregate(results), "absent": missing}
    for batch in sorted({r["batch"] for r in results}):
        summary[f"batch {batch}"] = scorer.aggregate([r for r in results if r["batch"] == batch])
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if opts.json:
        opts.json.write_text(json.dumps({"results": results, "summary": summary}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
