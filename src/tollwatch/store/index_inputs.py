"""What the screening index is built from, as a few aggregate rows: the index's freshness key.

Kept beside the tables so the key follows the schema; `app.screening` digests these rows with
the matcher's code. Proposals (an ingest's claims and new entities) are not among them.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from tollwatch.store import judgements_repo, schema


def index_inputs(conn: Connection) -> list:
    """Aggregates over exactly what the index and its risk facts are built from: list metadata,
    the entities it indexes (list and reviewed graph entities, and proposed ones an accepted
    claim uses) with their names, the accepted claims, the sources those cite or name, and the resolver's judgements."""
    e, n, c, s = schema.entities, schema.names, schema.claims, schema.sources
    accepted = c.c.status == "accepted"
    used = select(c.c.subject_id).where(accepted).union(select(c.c.object_id).where(accepted, c.c.object_id.is_not(None)))
    indexed = (e.c.is_new == 0) | e.c.id.in_(used)
    cited = select(c.c.source_id).where(accepted).union(
        select(n.c.source_id).join(e, e.c.id == n.c.entity_id).where(indexed, n.c.source_id.is_not(None))
    )
    rows: list = [[list(m) for m in conn.execute(select(schema.meta.c.key, schema.meta.c.value).order_by(schema.meta.c.key))]]
    rows.append(list(conn.execute(select(func.count(), func.max(e.c.updated_at)).where(indexed)).one()))
    rows.append(list(conn.execute(select(func.count(), func.max(n.c.id)).select_from(n.join(e, e.c.id == n.c.entity_id)).where(indexed)).one()))
    # The accepted set itself: claims never change after review (an edit is a new claim), and a
    # count or a latest review time can coincide across an accept and an edit in one second.
    rows.append(list(conn.execute(select(c.c.id).where(accepted).order_by(c.c.id)).scalars()))
    # What the index may show depends on each cited source's sensitivity; an edit changes no count.
    rows.append([list(r) for r in conn.execute(select(s.c.id, s.c.sensitivity, s.c.title, s.c.url).where(s.c.id.in_(cited)).order_by(s.c.id))])
    # A judgement (or its undoing) changes which records share a result slot.
    j = judgements_repo.judgements
    rows.append([list(r) for r in conn.execute(select(j.c.left_id, j.c.right_id, j.c.judgement).order_by(j.c.left_id, j.c.right_id))])
    return rows
