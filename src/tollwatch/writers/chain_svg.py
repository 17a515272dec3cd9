"""The chain drawn as SVG on the server: for pages, `tollwatch chain` and the dossier.

Columns by distance from the focus (0, 1, 2 steps); accepted edges solid, proposed ones
dashed and grey, each labelled with its predicate and citation count and linked to its
claims. Everything is escaped: captions come from sources and lists.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from tollwatch.core.chain import Chain, ChainEdge

COL_W, ROW_H, BOX_W, BOX_H, PAD = 450, 74, 240, 40, 24  # a 210 px gap: room for an edge label
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


def _label_box(x: float, y: float, label: str) -> tuple[float, float, float, float]:
    half = len(label) * 2.9 + 4  # about 5.8 px a character at 11 px
    return (x - half, y - 11, x + half, y + 4)


def _overlaps(box: tuple[float, float, float, float], placed: list[tuple[float, float, float, float]]) -> bool:
    return any(box[0] < p[2] and p[0] < box[2] and box[1] < p[3] and p[1] < box[3] for p in placed)


def _edge(e: ChainEdge, pos: dict[str, tuple[float, float]], claim_href: str, placed: list) -> tuple[str, str]:
    """The edge's line, and its label (the link to its claims), drawn later above every line."""
    (x1, y1), (x2, y2) = pos[e.subject_id], pos[e.object_id]
    a = (x1 + BOX_W, y1 + BOX_H / 2) if x2 > x1 else (x1, y1 + BOX_H / 2) if x2 < x1 else (x1 + BOX_W / 2, y1 + BOX_H)
    b = (x2, y2 + BOX_H / 2) if x2 > x1 else (x2 + BOX_W, y2 + BOX_H / 2) if x2 < x1 else (x2 + BOX_W / 2, y2)
    cls = "edge accepted" if e.accepted else "edge proposed"
    style = 'stroke="#1f4e79" stroke-width="2"' if e.accepted else 'stroke="#999" stroke-width="1.5" stroke-dasharray="6 4"'
    label = f"{e.label} · {e.citations} source{'s' if e.citations != 1 else ''}" + ("" if e.accepted else " (proposed)")
    # On the line, in the gap between the columns, moved along it until it covers no box and
    # no other label; a white halo keeps it readable where lines cross it.
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 4
    for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
        x, y = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t + 4
        if not _overlaps(_label_box(x, y, label), placed):
            mx, my = x, y
            break
    placed.append(_label_box(mx, my, label))
    half = len(label) * 2.75  # centred, so a misjudged width errs evenly on both sides
    href = escape(claim_href.format(claim=e.claim_ids[0], subject=quote(e.subject_id, safe="")), quote=True)
    title = escape(f"{label}: {len(e.claim_ids)} claim{'s' if len(e.claim_ids) != 1 else ''}")
    line = f'<line class="edge-line" x1="{a[0]:.0f}" y1="{a[1]:.0f}" x2="{b[0]:.0f}" y2="{b[1]:.0f}" {style} marker-end="url(#arrow)"/>'
    return line, (
        f'<g class="{cls}"><a href="{href}"><title>{title}</title>'
        f'<rect x="{mx - half:.0f}" y="{my - 10:.0f}" width="{2 * half:.0f}" height="13" rx="2" fill="#fff" fill-opacity="0.9"/>'
        f'<text x="{mx:.0f}" y="{my:.0f}" font-size="11" text-anchor="middle" stroke="#fff" stroke-width="4" stroke-linejoin="round"'
        f' paint-order="stroke" fill="{"#1f4e79" if e.accepted else "#555"}">{escape(label)}</text></a></g>'
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
    # Node boxes count as placed, so no edge label is drawn over one.
    placed: list = [(x - 2, y - 2, x + BOX_W + 2, y + BOX_H + 2) for x, y in pos.values()]
    edges = [_edge(e, pos, claim_href, placed) for e in chain.edges]
    parts += [line for line, _ in edges]
    for n in chain.nodes:
        x, y = pos[n.id]
        fill = "#fff4d6" if n.depth == 0 else "#f4f7fb"
        href = escape(entity_href.format(entity=n.id), quote=True)
        parts.append(
            f'<g class="node"><a href="{href}"><title>{escape(n.caption)} ({escape(n.kind)})</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="#1f4e79"/>'
            f'<text x="{x + 8}" y="{y + 17}" font-size="12" fill="#111">{escape(_short(n.caption))}</text>'
            f'<text x="{x + 8}" y="{y + 32}" font-size="10" fill="#555">{escape(n.kind)}</text></a></g>'
        )
    parts += [label for _, label in edges]
    parts.append(  # below every node and edge label, so no label can cover it
        f'<text x="{PAD}" y="{height - 10:.0f}" font-size="12" fill="#333">Solid: accepted by a reviewer. Dashed grey: proposed, not reviewed.</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _caption(chain: Chain) -> str:
    node = chain.node(chain.focus_id)
    return node.caption if node else chain.focus_id
