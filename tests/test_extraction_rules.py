"""The extractor as rules over data: each claim names its rule, every confidence comes from the
calibration table, the place table is one, and the package matches the old module's output."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tollwatch.core import places, risk
from tollwatch.core.extraction import Gazetteer, LexiconEntry, extract, ordered_rules
from tollwatch.core.extraction.lexicon import calibration

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "tollwatch" / "core" / "extraction"
TEXT = "Kaechon prison camp makes wigs for Chinese companies, and prisoners there also knit sweaters."


def _gazetteer() -> Gazetteer:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from extraction import reference_gazetteer

    return reference_gazetteer()


def test_every_claim_names_a_registered_rule():
    claims = extract(TEXT, "src-1", _gazetteer()).claims
    names = {n for n, _ in ordered_rules()}
    assert claims and all(c.evidence.rule in names for c in claims)
    assert {"products", "contracts"} <= {c.evidence.rule for c in claims}


def test_every_rule_is_calibrated_and_no_confidence_or_regex_is_left_in_code():
    table = calibration()
    assert {n for n, _ in ordered_rules()} <= {rule for rule, _ in table}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, float) and node.value != 0.0:
                pytest.fail(f"{path.name}:{node.lineno}: confidence literal {node.value}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("compile", "search", "match", "fullmatch", "sub", "finditer") \
                    and getattr(node.func, "value", None) is not None and getattr(node.func.value, "id", "") == "re" \
                    and node.args and isinstance(node.args[0], ast.Constant):
                pytest.fail(f"{path.name}:{node.lineno}: a regex literal in code")
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert (node.end_lineno or 0) - node.lineno < 80, f"{path.name}: {node.name} is over 80 lines"


def test_one_place_table_for_screening_and_extraction():
    rows = {r.name: r for r in places.place_rows()}
    assert {p.name for p in risk.PLACES} == {n for n, r in rows.items() if r.risk_role}
    jian = next(p for p in risk.PLACES if p.name == "Ji'an")
    assert jian.role == "gateway" and "集安" in jian.aliases and "jian" not in jian.aliases
    assert "Jian" in places.chinese_side() and places.english_of_korean()["단둥"] == "Dandong"


def test_a_user_cue_changes_extraction():
    """A produce cue the packaged lexicon lacks ("fabricates"), added as a user entry."""
    text = "Kaechon prison camp fabricates wigs."
    gaz = _gazetteer()
    assert not [c for c in extract(text, "s", gaz).claims if c.predicate == "produces"]
    entry = LexiconEntry("produce", "fabricates", "en")
    claims = extract(text, "s", gaz, lexicon_entries=(entry,)).claims
    assert [c.object_id for c in claims if c.predicate == "produces"] == ["product-wigs"]


def test_old_module_and_package_give_identical_claims():
    """The refactor was output-preserving (scripts/extraction_equivalence.py, old module from git).
    The extraction_dev texts are left out: the rules of issue 11 were tuned on them and change their
    claims on purpose; every other text (tests/gold, the seed, the articles, test literals) still agrees."""
    if subprocess.run(["git", "cat-file", "-e", "2a2a015:src/tollwatch/core/extraction.py"], cwd=ROOT).returncode:
        pytest.skip("the pre-refactor commit is not in this checkout")
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "extraction_equivalence.py"), "--without-dev"], cwd=ROOT,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "identical" in run.stdout
