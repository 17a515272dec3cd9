"""Claims JSONL with values of the wrong JSON type gets one line naming the field, never a traceback."""

from __future__ import annotations

import json

import pytest

BASE = {"subject_id": "KP-KHS-001", "predicate": "holds_prisoners", "quantity": {"low": 3, "unit": "prisoners"}}

CASES = [
    ({"period": {"start": 2024}}, "period.start"),
    ({"method": ["rule"]}, "method"),
    ({"quantity": {"low": "nan", "unit": "prisoners"}}, "quantity"),
    ({"quantity": {"low": 1e999, "unit": "prisoners"}}, "quantity"),
    ({"quantity": {"low": True, "unit": "prisoners"}}, "quantity"),
    ({"note": 5}, "note"),
    ({"quote": ["x"]}, "quote"),
    ({"subject_id": ["KP-KHS-001"]}, "subject_id"),
    ({"grade": None, "period": {"end": ["2024"]}}, "period.end"),
]


@pytest.mark.parametrize(("change", "field"), CASES)
def test_wrong_json_types_are_refused_by_field(cli, tmp_path, change, field):
    sources = cli.json("sources", "list", "--format", "json")
    before = len(cli.json("claims", "list", "--format", "json"))
    line = dict(BASE, source_id=sources[0]["id"], **change)
    path = tmp_path / "claims.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = cli("claims", "add", str(path), expect=2)
    message = result.output.strip().splitlines()
    assert len(message) == 1 and f"claims.jsonl:1: {field}:" in message[0], result.output
    assert len(cli.json("claims", "list", "--format", "json")) == before
