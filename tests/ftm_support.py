"""Checking FtM lines with the followthemoney library itself (a test dependency only).

`ftm_problems` is what Aleph or OpenSanctions would refuse or silently drop: an unknown or
abstract schema, a property the schema does not have (or a reverse stub), a value that is
not valid for its property's type, a required property left empty, and an entity
reference to an id the file does not hold.
"""

from __future__ import annotations

import json
from pathlib import Path

from followthemoney import model
from followthemoney.exc import InvalidData


def ftm_problems(records: list[dict]) -> list[str]:
    ids = {r.get("id") for r in records}
    problems: list[str] = []
    for n, record in enumerate(records, 1):
        problems.extend(f"line {n} ({record.get('schema')} {record.get('id')}): {p}" for p in _entity_problems(record, ids))
    return problems


def _entity_problems(record: dict, ids: set) -> list[str]:
    schema = model.get(record.get("schema") or "")
    if schema is None:
        return [f"unknown schema {record.get('schema')!r}"]
    problems = ["abstract schema"] if schema.abstract else []
    if not record.get("id"):
        problems.append("no id")
    props = record.get("properties") or {}
    for name, values in props.items():
        prop = schema.get(name)
        if prop is None or prop.stub:
            problems.append(f"{name}: not a property of {schema.name}")
            continue
        if not isinstance(values, list):
            problems.append(f"{name}: not a list")
            continue
        for value in values:
            if not prop.type.validate(value, format=prop.format):
                problems.append(f"{name}: {str(value)[:60]!r} is not a valid {prop.type.name}")
            elif prop.type.name == "entity" and value not in ids:
                problems.append(f"{name}: points at {value!r}, which the file does not hold")
    problems.extend(f"{name}: required" for name in schema.required if not props.get(name))
    proxy = model.get_proxy(record, cleaned=False)  # what FtM keeps of it: no value may be dropped
    kept = proxy.to_dict()["properties"]
    for name, values in props.items():
        if isinstance(values, list) and schema.get(name) and len(kept.get(name, [])) < len(set(values)):
            problems.append(f"{name}: FtM keeps {len(kept.get(name, []))} of {len(set(values))} values")
    try:
        schema.validate(proxy.to_dict())
    except InvalidData as exc:
        problems.append(f"followthemoney: {exc}")
    return problems


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def write_entities(path: Path, entities: list) -> Path:
    """FtM JSON lines as followthemoney writes them (`proxy.to_dict()`), or raw dicts/strings as given."""
    lines = []
    for e in entities:
        if isinstance(e, str):
            lines.append(e)
        else:
            lines.append(json.dumps(e if isinstance(e, dict) else e.to_dict(), ensure_ascii=False))
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Path(path)
