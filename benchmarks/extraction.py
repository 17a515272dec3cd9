"""Score the rule-based extractor against the hand-annotated gold files in tests/gold/.

Run from the repository root:  .venv/bin/python benchmarks/extraction.py [--write-docs]

A proposed claim matches a gold claim when subject, predicate and object (entity id,
value or quantity) agree and its span overlaps the gold span. Gold subjects written
"new:<label>" match a proposed new entity whose name contains the label. Gold files hold
offsets and short labels only: texts are read at run time (the seed report from ../shared).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "gold"
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- extraction:start -->", "<!-- extraction:end -->"


@dataclass
class Score:
    name: str
    lang: str
    gold: int
    proposed: int
    true_positives: int
    misses: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)
    forbidden: list[dict] = field(default_factory=list)  # claims in a span annotated as claim-free
    seconds: float = 0.0
    chars: int = 0
    first_run: dict | None = None
    blind: bool = False

    @property
    def precision(self) -> float:
        return self.true_positives / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_gold(path: Path) -> tuple[dict, list[dict]]:
    lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    meta = lines[0]["meta"]
    return meta, lines[1:]


def read_gold_text(meta: dict) -> str:
    text = (ROOT / meta["text"]).read_text(encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != meta["sha256"]:
        raise SystemExit(f"{meta['text']}: text changed since annotation (sha256 {digest[:12]}…); the gold offsets no longer apply")
    return text


def _claim_record(claim, new_entities: dict) -> dict:
    subj = claim.subject_id
    rec = {"subject": subj, "predicate": claim.predicate.value, "span": list(claim.evidence.span)}
    if subj in new_entities:
        rec["subject_name"] = new_entities[subj].caption
    if claim.object_id:
        rec["object"] = claim.object_id
        if claim.object_id in new_entities:
            rec["object_name"] = new_entities[claim.object_id].caption
    elif claim.value is not None:
        rec["value"] = claim.value
    if claim.quantity:
        rec["quantity"] = {"low": claim.quantity.low, "high": claim.quantity.high, "unit": claim.quantity.unit}
    return rec


def _matches(gold: dict, rec: dict) -> bool:
    gs = gold["subject"]
    if gs.startswith("new:"):
        if gs[4:].casefold() not in (rec.get("subject_name") or "").casefold():
            return False
    elif gs != rec["subject"]:
        return False
    if gold["predicate"] != rec["predicate"]:
        return False
    if "object" in gold:
        go = gold["object"]
        if go.startswith("new:"):
            if go[4:].casefold() not in (rec.get("object_name") or "").casefold():
                return False
        elif go != rec.get("object"):
            return False
    if "value" in gold and (rec.get("value") or "").strip().casefold() != gold["value"].strip().casefold():
        return False
    if "quantity" in gold:
        q, r = gold["quantity"], rec.get("quantity") or {}
        if (float(q["low"]), float(q["high"]), q["unit"]) != (r.get("low"), r.get("high"), r.get("unit")):
            return False
    gs_, ge = gold["span"]
    rs, re_ = rec["span"]
    return rs < ge and gs_ < re_


def korean():
    """The Korean analyzer ingest injects (kiwipiepy, loaded on the first Korean text), or None."""
    from tollwatch.engines.korean import korean_analyzer

    return korean_analyzer()


def score_file(path: Path, gazetteer, analyzer="ingest") -> Score:
    """analyzer: "ingest" uses the Korean analyzer as `ingest` does; None scores the pattern fallback."""
    from tollwatch.core.extraction import extract

    analyzer = korean() if analyzer == "ingest" else analyzer

    meta, golds = load_gold(path)
    text = read_gold_text(meta)
    t0 = time.perf_counter()
    result = extract(text, "bench-" + path.stem, gazetteer, korean=analyzer)
    seconds = time.perf_counter() - t0
    new = {e.id: e for e in result.new_entities}
    recs = [_claim_record(c, new) for c in result.claims]
    matched_recs: set[int] = set()
    misses = []
    for g in golds:
        hit = next((i for i, r in enumerate(recs) if i not in matched_recs and _matches(g, r)), None)
        if hit is None:
            misses.append(g)
        else:
            matched_recs.add(hit)
    extras = [r for i, r in enumerate(recs) if i not in matched_recs]
    forbidden = [r for r in recs for s, e in meta.get("no_claims_in", []) if r["span"][0] < e and s < r["span"][1]]
    return Score(
        path.stem, meta.get("lang", "?"), len(golds), len(recs), len(matched_recs), misses, extras, forbidden, seconds,
        len(text), meta.get("first_run"), bool(meta.get("blind")),
    )


def reference_gazetteer():
    """The gazetteer a fresh store holds: bundled facilities, state bodies, products, companies."""
    from tollwatch.app.evidence import open_store
    from tollwatch.core.extraction import Gazetteer
    from tollwatch.core.model import Sensitivity

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.db")
        with store.read(Sensitivity.CONFIDENTIAL) as r:
            entities = r.list_entities()
        store.close()
    return Gazetteer(entities)


def run(gold_dir: Path = GOLD_DIR) -> list[Score]:
    gaz = reference_gazetteer()
    return [score_file(p, gaz) for p in sorted(gold_dir.glob("*.jsonl"))]


def throughput(gazetteer, target_chars: int = 1_000_000) -> tuple[int, float, int]:
    """Extraction time on a long document: the seed report repeated to about target_chars."""
    from tollwatch.core.extraction import extract

    meta, _ = load_gold(GOLD_DIR / "seed_gold.jsonl")
    text = read_gold_text(meta) + "\n\n"
    big = text * max(1, target_chars // len(text))
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = extract(big, "bench-throughput", gazetteer)
        times.append(time.perf_counter() - t0)
    return len(big), statistics.median(times), len(result.claims)


def korean_throughput(gazetteer, target_chars: int = 200_000) -> str:
    """Extraction speed on Korean text (tests/gold/own_ko_*.txt repeated), with and without the
    analyzer, and the analyzer's one-off model load."""
    from tollwatch.core.extraction import extract

    text = "".join((GOLD_DIR / p.name).read_text(encoding="utf-8") + "\n\n" for p in sorted(GOLD_DIR.glob("own_ko_*.txt")))
    big = text * max(1, target_chars // len(text))
    analyzer = korean()
    parts = []
    if analyzer is not None:
        analyzer.tokens("한국어")  # the model's one load, timed on its own
        parts.append(f"model load {analyzer.load_seconds:.1f} s (once per process, on the first Korean text)")
    for label, a in (("with the analyzer", analyzer), ("patterns only", None)):
        if label.startswith("with") and a is None:
            continue
        t0 = time.perf_counter()
        extract(big, "bench-ko-throughput", gazetteer, korean=a)
        parts.append(f"{label} {len(big) / (time.perf_counter() - t0):,.0f} chars/s")
    return f"Korean throughput: {len(big):,} characters (tests/gold/own_ko_*.txt repeated): " + "; ".join(parts) + "."


def render(scores: list[Score], speed: tuple[int, float, int] | None = None, dev: dict | None = None, ko_speed: str | None = None) -> str:
    tp = sum(s.true_positives for s in scores)
    proposed = sum(s.proposed for s in scores)
    gold = sum(s.gold for s in scores)
    p = tp / proposed if proposed else 1.0
    r = tp / gold if gold else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    lines = [
        START,
        "## Extraction",
        "",
        "Rule backend against hand-annotated gold. `benchmarks/extraction.py` runs `tollwatch.core.extraction.extract`",
        "on each text named in `tests/gold/*.jsonl`",
        "and compares with the hand annotations (subject, predicate, object/value/quantity, overlapping span).",
        "The seed report is read from `../shared` at run time; gold files hold offsets only.",
        "",
        "| gold file | lang | gold | proposed | matched | precision | recall | F1 | claims in claim-free spans |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.name} | {s.lang} | {s.gold} | {s.proposed} | {s.true_positives} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {len(s.forbidden)} |"
        )
    lines.append(f"| **all** | | {gold} | {proposed} | {tp} | {p:.2f} | {r:.2f} | {f1:.2f} | {sum(len(s.forbidden) for s in scores)} |")
    lines.append("")
    misses = [(s.name, m) for s in scores for m in s.misses]
    extras = [(s.name, x) for s in scores for x in s.extras]
    if misses:
        lines.append("Missed (gold claims the extractor does not propose):")
        lines.extend(f"- {n}: {m['subject']} {m['predicate']} {m.get('object') or m.get('value') or m.get('quantity')} at {m['span']}" for n, m in misses)
        lines.append("")
    if extras:
        lines.append("Proposed but not in gold:")
        lines.extend(f"- {n}: {x['subject']} {x['predicate']} {x.get('object') or x.get('value') or x.get('quantity')} at {x['span']}" for n, x in extras)
        lines.append("")
    firsts = [(s.name, s.first_run, s.blind) for s in scores if s.first_run]
    if firsts:
        lines.append("First runs on texts annotated before the extractor saw them:")
        for name, fr, blind in firsts:
            state = "still untuned (a real blind check)" if blind else "rules improved afterwards, so its row above is no longer blind"
            lines.append(f"- {name}: precision {fr['precision']:.2f}, recall {fr['recall']:.2f} — {state}")
        lines.append("")
    if speed:
        chars, seconds, n = speed
        lines.append(
            f"Throughput: {chars:,} characters (the seed report repeated) in {seconds:.2f} s (median of 3) = {chars / seconds:,.0f} chars/s (extraction only), "
            f"{n:,} claims, one core, Python {sys.version.split()[0]}."
        )
        lines.append("")
    if ko_speed:
        lines += [ko_speed, ""]
    if dev is not None:  # the real-text figures (benchmarks/extraction_real.py)
        from extraction_real import render_dev

        lines.extend(render_dev(dev))
    lines.append(
        "Caveat: the rules were written while reading the seed report and the invented texts (except those marked blind), so "
        "the other rows show the rules do what they claim on known text; the blind rows are the better guess at accuracy on "
        "unseen reports, and they rest on a handful of claims."
    )
    lines.append(END)
    return "\n".join(lines)


def write_docs(section: str, path: Path = DOCS) -> None:
    """Replace only our section; other benchmarks keep theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        new = before + section + after
    elif re.search(r"^## Extraction\b", current, re.M):
        # the placeholder heading: replace it, up to the next section
        m = re.search(r"^## Extraction\b.*?(?=^## |\Z)", current, re.M | re.S)
        new = current[: m.start()] + section + "\n\n" + current[m.end() :].lstrip("\n")
    else:
        new = current.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write-docs", action="store_true", help="write the results into docs/benchmarks.md")
    ap.add_argument("--no-korean-analyzer", action="store_true", help="score the pattern fallback (TOLLWATCH_KOREAN_ANALYZER=off)")
    args = ap.parse_args(argv)
    if args.no_korean_analyzer:
        import os

        os.environ["TOLLWATCH_KOREAN_ANALYZER"] = "off"
    scores = run()
    from extraction_real import run_dev

    gazetteer = reference_gazetteer()
    section = render(scores, throughput(gazetteer), run_dev(), korean_throughput(gazetteer))
    print(section)
    if args.write_docs:
        write_docs(section)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    raise SystemExit(main())
