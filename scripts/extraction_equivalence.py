"""Old extractor vs new: identical claims on every text we have (the rule field aside).

Run from the repository root:
    PYTHONPATH=src python scripts/extraction_equivalence.py [--old-commit 2a2a015]

The old single-module extractor is read from git (`git show COMMIT:src/tollwatch/core/extraction.py`)
and loaded under another name, so both run in one process on one gazetteer. Texts: every
tests/gold/*.txt, the seed report and extraction_dev texts from ../shared (read at run time, never
copied), and the string literals over 40 characters in the extraction tests. Exit 1 on any difference.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
OLD_PATH = "src/tollwatch/core/extraction.py"
TEST_FILES = ("test_extraction_seed.py", "test_extraction_ingest.py", "test_extraction_review.py",
              "test_extraction_corroboration.py", "test_text_linear.py", "test_extraction_rules.py")


def load_old(commit: str):
    source = subprocess.run(["git", "show", f"{commit}:{OLD_PATH}"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    tmp = Path(tempfile.mkdtemp()) / "old_extraction.py"
    tmp.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_extraction", tmp)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["old_extraction"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def texts(with_dev: bool = True) -> list[tuple[str, str]]:
    out = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "tests" / "gold").glob("*.txt"))]
    out += [(p.name, p.read_text(encoding="utf-8")) for p in sorted((SHARED / "data" / "seed").glob("*.txt"))]
    if with_dev:  # --without-dev: the rules added since the refactor were tuned on these (issue 11)
        out += [(p.name, p.read_text(encoding="utf-8")) for p in sorted((SHARED / "data" / "extraction_dev").glob("*.txt"))]
    out += [(p.name, p.read_text(encoding="utf-8")) for p in sorted((SHARED / "data" / "articles").rglob("*.txt"))]
    for name in TEST_FILES:
        path = ROOT / "tests" / name
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > 40:
                out.append((f"{name}:{node.lineno}", node.value))
    return out


def signature(result) -> list[tuple]:
    claims = [
        (c.id, c.subject_id, str(c.predicate), c.object_id, c.value, c.quantity, c.period, c.evidence.quote,
         c.evidence.span, c.evidence.confidence, c.note)
        for c in result.claims
    ]
    entities = [(e.id, e.caption, [n.value for n in e.names], e.attributes) for e in result.new_entities]
    return claims + entities  # type: ignore[operator]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old-commit", default="2a2a015")
    ap.add_argument("--without-dev", action="store_true", help="leave out ../shared/data/extraction_dev, which later rules were tuned on")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from extraction import reference_gazetteer  # the gazetteer a fresh store holds

    from tollwatch.core import extraction as new

    old = load_old(args.old_commit)
    entities = reference_gazetteer().entities
    old_gaz, new_gaz = old.Gazetteer(entities), new.Gazetteer(entities)
    corpus = texts(with_dev=not args.without_dev)
    differing, claims = [], 0
    for name, text in corpus:
        for ref in (None, "2024-06-01"):
            a = signature(old.extract(text, "eq-src", old_gaz, reference_date=ref))
            b = signature(new.extract(text, "eq-src", new_gaz, reference_date=ref))
            claims += len(a)
            if a != b:
                differing.append(name)
                print(f"DIFFERS {name} (reference_date={ref}): old {len(a)} items, new {len(b)}")
                for x, y in zip(a, b):
                    if x != y:
                        print("  old:", x, "\n  new:", y)
                        break
    print(f"{len(corpus)} texts x 2 reference dates, {claims} old claims+entities: "
          f"{'identical' if not differing else str(len(differing)) + ' texts differ'}")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
