"""What the matcher screens and what it answers: a list record, and a match with its explanation. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Match", "Record"]


@dataclass
class Record:
    """One screenable entry: a list record or an evidence-graph entity."""

    entity_id: str
    dataset: str
    source_id: str  # the list's own identifier (OFAC ent_num, UN reference number) or our entity id
    caption: str
    schema: str  # FtM schema: Person, Organization, Company, Vessel, Airplane
    names: tuple[str, ...]
    info: dict[str, Any] = field(default_factory=dict)  # program, country, kind, allegation ... for risk and reports


@dataclass
class Match:
    record: Record
    score: float
    is_match: bool
    explanation: list[dict[str, Any]]
    matched_name: str

    def as_dict(self) -> dict[str, Any]:
        rec = self.record
        return {"dataset": rec.dataset, "source_id": rec.source_id, "entity_id": rec.entity_id, "name": rec.caption,
                "matched_name": self.matched_name, "schema": rec.schema, "score": round(self.score, 4),
                "match": self.is_match, "explanation": self.explanation}
