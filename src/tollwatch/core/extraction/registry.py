"""Claim rules by name. A rule is a function of the document and one sentence's focus that adds
claims; registering it with @claim_rule("name") and giving it rows in the calibration table
(core/data/extraction/rules.tsv, which also sets the order) is all it takes to add one."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from tollwatch.core.extraction.context import Doc, Focus

Rule = Callable[[Doc, Focus], None]
RULES: dict[str, Rule] = {}


def claim_rule(name: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        if name in RULES:
            raise ValueError(f"claim rule {name!r} is registered twice")
        RULES[name] = fn
        return fn

    return register


def load_rules() -> dict[str, Rule]:
    """Import every module of tollwatch.core.extraction.rules, so each registers its rules."""
    from tollwatch.core.extraction import rules

    for info in pkgutil.iter_modules(rules.__path__):
        importlib.import_module(f"{rules.__name__}.{info.name}")
    return RULES
