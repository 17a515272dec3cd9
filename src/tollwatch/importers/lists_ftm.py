"""A foreign FollowTheMoney file (an OpenSanctions export, say) as a screening list.

What each line becomes is importers/ftm_foreign.py's rule, with the schemas a list can
screen (people, organizations, vessels and aircraft) as its entities: a Sanction, Passport,
Identification or Address line is folded onto the entity it names, a relation (Ownership,
Family ...) onto both ends, and anything else is skipped with its reason in the report.
A malformed JSON line stops the import (InputError naming file, line and field).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tollwatch.core.errors import InputError
from tollwatch.core.model import Entity, EntityKind, Identifier
from tollwatch.importers import ftm_foreign
from tollwatch.importers.lists import SCHEMA_KIND, ImportReport, check_dataset_name
from tollwatch.importers.streams import LineCountingText, check_nonempty, open_binary, reject_lone_surrogates


def _list_kind(ftm_schema: str) -> EntityKind | None:
    return SCHEMA_KIND.get(ftm_schema)


def json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, object) per non-blank line, streamed; a line that is not a JSON object stops the file."""
    raw = open_binary(path)
    try:
        for lineno, line in enumerate(LineCountingText(raw, "utf-8", str(path)), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})", path=str(path), line=lineno, field="json") from None
            if not isinstance(data, dict):
                raise InputError("each line must be an FtM entity (a JSON object)", path=str(path), line=lineno, field="json")
            if "\\u" in line:  # only an escape can make a lone surrogate
                reject_lone_surrogates(data, str(path), lineno)
            yield lineno, data
    finally:
        raw.close()


def read_ftm(path: Path, dataset: str | None = None, report: ImportReport | None = None) -> Iterator[Entity]:
    """Two passes over the file: what its detail and relation lines say, then its entities."""
    path = Path(path)
    check_nonempty(path)
    report = report or ImportReport(dataset or "ftm", "ftm", [str(path)])
    folds = ftm_foreign.collect_folds(json_lines(path), _list_kind)
    for lineno, data in json_lines(path):
        before = folds.folded
        result = ftm_foreign.resolve(data, _list_kind, folds, dataset)
        report.folded += folds.folded - before
        if isinstance(result, str):
            report.skipped.append(f"{path.name}:{lineno}: {result}")
        if not isinstance(result, Entity):
            continue
        if dataset is None:
            # No --dataset: the first entity's own dataset names the whole file.
            dataset = check_dataset_name(result.dataset, str(path), lineno)
            report.dataset = dataset
        report.count += 1
        yield as_list_entity(result, dataset, data["schema"])


def as_list_entity(ent: Entity, dataset: str, ftm_schema: str) -> Entity:
    """An entity of the list `dataset`, identified by its id in the file, with the attributes screening reads."""
    list_id = ent.id
    attrs = dict(ent.attributes)
    addresses = attrs.pop("address", [])
    ent.id = list_id[:120] if list_id.startswith(dataset) else f"{dataset}-{list_id}"[:120]
    ent.dataset = dataset
    ent.identifiers = [Identifier(dataset, list_id), *ent.identifiers]
    ent.attributes = {
        **attrs,
        "schema": ftm_schema,
        "program": attrs.get("program", []),
        "country": [*attrs.get("country", []), *attrs.get("nationality", []), *attrs.get("jurisdiction", [])],
        "addresses": addresses[:20],
        "topics": attrs.get("topics", []),
        "list_ref": list_id,
    }
    return ent


__all__ = ["as_list_entity", "json_lines", "read_ftm"]
