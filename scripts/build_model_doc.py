"""Regenerate the kind and predicate tables of docs/model.md from the schema.

The tables sit between `<!-- schema:NAME -->` and `<!-- /schema:NAME -->` markers; the prose
and diagrams around them are left alone. tests/test_schema.py fails when the committed
doc differs from what this script writes.

    python scripts/build_model_doc.py          # rewrite docs/model.md
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tollwatch.core import schema

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def kinds_table() -> str:
    s = schema.load()
    lines = [_row(["Kind", "FtM", "Attributes", "Identifier schemes"]), _row(["---"] * 4)]
    for k in s.kinds.values():
        attrs = ", ".join(f"`{a.name}` ({a.type.name})" for a in k.attributes.values())
        lines.append(_row([f"`{k.name}`", k.ftm, attrs, ", ".join(f"`{i}`" for i in k.identifiers) or "—"]))
    return "\n".join(lines)


def predicates_table() -> str:
    s = schema.load()
    lines = [_row(["Predicate", "Label / inverse", "Subject", "Object or literal", "Qualifiers", "Functional", "FtM"]), _row(["---"] * 7)]
    for p in s.predicates.values():
        targets = [", ".join(p.object)] if p.object else []
        if p.value is not None:
            targets.append(f"value: {p.value.name}")
        if p.quantity:
            targets.append(f"quantity of {', '.join(p.quantity)}")
        ftm = " / ".join(m.schema for m in (p.ftm_link, p.ftm_note) if m is not None)
        label = p.label + (f" / {p.inverse}" if p.inverse else "")
        qualifiers = ", ".join(f"`{q.name}` ({q.type.name})" for q in p.qualifiers.values())
        lines.append(_row([f"`{p.name}`", label, ", ".join(p.subject), "; ".join(targets), qualifiers, "yes" if p.functional else "", ftm]))
    return "\n".join(lines)


def types_table() -> str:
    lines = [_row(["Type", "Meaning", "Values"]), _row(["---"] * 3)]
    for t in schema.load().types.values():
        lines.append(_row([f"`{t.name}`", t.label, ", ".join(f"`{v}`" for v in t.values)]))
    return "\n".join(lines)


TABLES = {"kinds": kinds_table, "predicates": predicates_table, "types": types_table}


def render(doc: str) -> str:
    """The doc with every marked table regenerated."""
    for name, build in TABLES.items():
        pattern = re.compile(rf"(<!-- schema:{name} -->\n)(?:.*?\n)?(<!-- /schema:{name} -->)", re.S)
        if not pattern.search(doc):
            raise SystemExit(f"{DOC}: no <!-- schema:{name} --> block")
        doc = pattern.sub(lambda m: m.group(1) + build() + "\n" + m.group(2), doc)
    return doc


def main() -> int:
    doc = DOC.read_text(encoding="utf-8")
    new = render(doc)
    if new != doc:
        DOC.write_text(new, encoding="utf-8")
        print(f"rewrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
