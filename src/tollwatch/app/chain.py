"""The chain use case: the entities one and two steps from one entity, as the reader may see them."""

from __future__ import annotations

from tollwatch.app.visibility import Reader, get_visible_entity, visible_entities
from tollwatch.core.chain import Chain, build_chain
from tollwatch.core.errors import NotFound

CLAIM_ON_PAGE = "/entities/{subject}#claim-{claim}"


def entity_chain(reader: Reader, entity_id: str, *, include_proposed: bool = True) -> Chain:
    """Built from the claims this reader may see, over the entities this reader may see."""
    if get_visible_entity(reader, entity_id) is None:
        raise NotFound(f"no entity {entity_id!r}")
    claims = reader.list_claims()
    ids = {c.subject_id for c in claims} | {c.object_id for c in claims if c.object_id} | {entity_id}
    shown = visible_entities(reader, list(reader.entities(ids).values()), claims)
    return build_chain(entity_id, claims, {e.id: e for e in shown}, include_proposed=include_proposed)


def chain_svg_for(reader: Reader, entity_id: str, *, include_proposed: bool = True, **hrefs: str) -> str:
    from tollwatch.writers.chain_svg import chain_svg

    return chain_svg(entity_chain(reader, entity_id, include_proposed=include_proposed), **hrefs)


def chain_view(reader: Reader, entity_id: str, *, include_proposed: bool = True) -> dict:
    """What the /chain page shows: the SVG, the edges and each node's caption."""
    from tollwatch.core.chain import chain_to_dict
    from tollwatch.writers.chain_svg import chain_svg

    chain = entity_chain(reader, entity_id, include_proposed=include_proposed)
    # Edges link to the claim on its subject's page (cited there, with its passage), not to raw JSON.
    svg = chain_svg(chain, claim_href=CLAIM_ON_PAGE)
    return {"svg": svg, "chain": chain_to_dict(chain), "captions": {n.id: n.caption for n in chain.nodes}}
