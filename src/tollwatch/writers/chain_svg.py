"""The chain drawn as SVG on the server: for pages, `tollwatch chain` and the dossier.

Columns by distance from the focus (0, 1, 2 steps); accepted edges solid, proposed ones
dashed and grey, each labelled with its predicate and citation count and linked to its
claims. Everything is escaped: captions come from sources and lists.
"""

from __future__ import annotations

from html import escape

from tollwatch.core.chain import Chain, ChainEdge

COL_W, ROW_H, BOX_W, BOX_H, PAD = 380, 74, 240, 40, 24
MIN_W = 560
FONT = "'Noto Sans CJK KR','Noto Sans CJK SC','Noto Sans',sans-serif"


def _positions(chain: Chain) -> dict[str, tuple[float, float]]:
    columns: dict[int, list[str]] = {}
    for n in chain.nodes:
        columns.setdefault(n.depth, []).append(n.id)
    tallest = max((len(v) for v in columns.values()), default=1)
    pos: dict[str, tuple[float, float]] = {}
    for depth, ids in columns.items():
        offset = (tallest - len(ids)) * ROW_H / 2
        for i, nid in enumerate(ids):
            pos[nid] = (PAD + depth * COL_W, PAD + 20 + offset + i * ROW_H)
    return pos


def _short(text: str, limit: int = 36) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _edge(e: ChainEdge, pos: dict[str, tuple[float, float]], claim_href: str, stack: dict[str, int]) -> str:
    (x1, y1), (x2, y2) = pos[e.subject_id], pos[e.object_id]
    a = (x1 + BOX_W, y1 + BOX_H / 2) if x2 > x1 else (x1, y1 + BOX_H / 2) if x2 < x1 else (x1 + BOX_W / 2, y1 + BOX_H)
    b = (x2, y2 + BOX_H / 2) if x2 > x1 else (x2 + BOX_W, y2 + BOX_H / 2) if x2 < x1 else (x2 + BOX_W / 2, y2)
    cls = "edge accepted" if e.accepted else "edge proposed"
    style = 'stroke="#1f4e79" stroke-width="2"' if e.accepted else 'stroke="#999" stroke-width="1.5" stroke-dasharray="6 4"'
    label = f"{e.label} · {e.citations} source{'s' if e.citations != 1 else ''}" + ("" if e.accepted else " (proposed)")
    # Right-aligned just before the deeper node's box, edges meeting there stacked upwards:
    # labels then never sit on a box or on each other.
    near = b if b[0] >= a[0] else a
    end = e.object_id if near is b else e.subject_id
    k = stack[end] = stack.get(end, -1) + 1
    mx, my = near[0] - 10, near[1] - 6 - 14 * k
    width = len(label) * 6.0
    href = escape(claim_href.format(claim=e.claim_ids[0]), quote=True)
    title = escape(f"{label}: claims {', '.join(e.claim_ids)}")
    return (
        f'<g class="{cls}"><a href="{href}"><title>{title}</title>'
        f'<line x1="{a[0]:.0f}" y1="{a[1]:.0f}" x2="{b[0]:.0f}" y2="{b[1]:.0f}" {style} marker-end="url(#arrow)"/>'
        f'<rect x="{mx - width:.0f}" y="{my - 10:.0f}" width="{width:.0f}" height="13" fill="#fff" fill-opacity="0.85"/>'
        f'<text x="{mx:.0f}" y="{my:.0f}" font-size="11" text-anchor="end" fill="{"#1f4e79" if e.accepted else "#666"}"'
        f'>{escape(label)}</text></a></g>'
    )


def chain_svg(chain: Chain, *, entity_href: str = "/entities/{entity}", claim_href: str = "/api/claims/{claim}") -> str:
    """One self-contained SVG document; `entity_href`/`claim_href` say where nodes and edges link."""
    pos = _positions(chain)
    width = max(MIN_W, PAD * 2 + max((n.depth for n in chain.nodes), default=0) * COL_W + BOX_W)  # room for the legend
    height = PAD * 2 + 40 + max((y for _, y in pos.values()), default=0) + BOX_H + 24  # the legend sits below
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}"'
        f' font-family="{FONT}" role="group" aria-label="Chain around {escape(_caption(chain), quote=True)}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ]
    stack: dict[str, int] = {}
    parts += [_edge(e, pos, claim_href, stack) for e in chain.edges]
    for n in chain.nodes:
        x, y = pos[n.id]
        fill = "#fff4d6" if n.depth == 0 else "#f4f7fb"
        href = escape(entity_href.format(entity=n.id), quote=True)
        parts.append(
            f'<g class="node"><a href="{href}"><title>{escape(n.caption)} ({escape(n.kind)})</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="#1f4e79"/>'
            f'<text x="{x + 8}" y="{y + 17}" font-size="12" fill="#111">{escape(_short(n.caption))}</text>'
            f'<text x="{x + 8}" y="{y + 32}" font-size="10" fill="#666">{escape(n.kind)} · {escape(_short(n.id, 34))}</text></a></g>'
        )
    parts.append(  # below every node and edge label, so no label can cover it
        f'<text x="{PAD}" y="{height - 10:.0f}" font-size="12" fill="#333">Solid: accepted by a reviewer. Dashed grey: proposed, not reviewed.</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _caption(chain: Chain) -> str:
    node = chain.node(chain.focus_id)
    return node.caption if node else chain.focus_id
