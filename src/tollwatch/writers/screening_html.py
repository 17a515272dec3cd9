"""The self-contained HTML screening report: summary, lists and dates, sortable hits table.

Everything that came from input or lists goes through `cells.escape`; links are only
http(s), and a Content-Security-Policy forbids anything but the inline sorter.
"""

from __future__ import annotations

from collections import Counter

from tollwatch.core.features import describe
from tollwatch.writers.cells import escape as _e
from tollwatch.writers.screening_summary import disclaimer, match_reason, stale_lists

LEVEL_RANK = {"high": 3, "medium": 2, "low": 1, "none": 0}


def _source_link(s: dict) -> str:
    label = _e(s.get("title") or s["source_id"])
    link = f'<a href="{_e(s["url"])}" rel="noopener noreferrer">{label}</a>' if str(s.get("url") or "").startswith(("http://", "https://")) else label
    return link + (f" ({_e(s['snapshot_date'])})" if s.get("snapshot_date") else "")


def _reason(r: dict) -> str:
    srcs = ", ".join(_source_link(s) for s in r["sources"])
    claims = ", ".join(_e(c) for c in r["claims"][:8])
    return f"<p><b>{_e(r['reason'])}</b>: {_e(r['text'])}" + (f"<br><small>sources: {srcs}</small>" if srcs else "") + (f"<br><small>claims: {claims}</small>" if claims else "") + "</p>"


def _match(m: dict, query: dict | None = None) -> str:
    feats = "".join(
        f"<li title=\"{_e(describe(f['feature']))}\">{_e(f['feature'])}: <i>{_e(f.get('query'))}</i> ~ <i>{_e(f.get('candidate'))}</i> ({_e(f.get('value'))})"
        f" <small>{_e(describe(f['feature']))}</small></li>"
        for f in m["explanation"]
    )
    verdict = "match" if m["match"] else "below threshold"
    extra = f" · list date {_e(m['list_date'])}" if m.get("list_date") else ""
    note = f"<br><small>{_e(m['note'])}</small>" if m.get("note") else ""
    reason = f"<p class=\"why\">{_e(match_reason(m, query))}</p>"
    return f"<details><summary>{_e(m['name'])} — {_e(m['dataset'])} {_e(m['source_id'])} · {m['score']:.2f} ({verdict}){extra}</summary>{reason}<ul>{feats}</ul>{_listing(m)}{note}</details>"


def _listing(m: dict) -> str:
    """The list entry's own fields (dates of birth, nationality, position, documents ...), to clear the hit."""
    listing = m.get("listing") or {}
    rows = [(k, v) for k, v in listing.items() if v and k != "identifiers"]
    rows += [("identifiers", [f"{s} {v}" for s, v in listing.get("identifiers") or []])] if listing.get("identifiers") else []
    if not rows:
        return ""
    cells = "".join(f"<dt>{_e(k)}</dt><dd>{_e('; '.join(map(str, v)) if isinstance(v, list) else v)}</dd>" for k, v in rows)
    return f'<dl class="listing"><small>on the list ({_e(m["dataset"])} {_e(m["source_id"])}):</small>{cells}</dl>'


def html_row(result: dict) -> str:
    """One table row per screened input row with hits or risk."""
    risk = result["risk"]
    best = max((m["score"] for m in result["matches"]), default=0.0)
    query = "; ".join(f"{k}: {v}" for k, v in result["query"].items())
    parts = [
        f'<tr data-level="{LEVEL_RANK[risk["level"]]}" data-score="{best:.4f}"><td>{_e(result["query_id"])}</td><td>{_e(query)}</td>'
        f'<td class="lvl {_e(risk["level"])}">{_e(risk["level"])}</td><td>{best:.2f}</td><td>'
    ]
    parts += [_reason(r) for r in risk["reasons"]]
    parts.append("</td><td>")
    parts += [_match(m, result["query"]) for m in result["matches"]]
    parts.append("</td></tr>\n")
    return "".join(parts)


def _list_item(ds: str, m: dict) -> str:
    age = f", {_e(m['age_days'])} days old" if m.get("age_days") is not None else ""
    stale = f' <b class="stale">STALE: older than {_e(m.get("max_age_days"))} days; run tollwatch lists update</b>' if m.get("stale") else ""
    return f"<li>{_e(ds)}: snapshot {_e(m.get('snapshot_date') or 'unknown')}{age}, {_e(m.get('count'))} records ({_e(', '.join(m.get('source_files') or []))}){stale}</li>"


def html_head(lists: dict, counts: Counter, rows: int) -> str:
    lis = "".join(_list_item(ds, m) for ds, m in lists.items())
    stale = stale_lists(lists)
    warning = f'<p class="warning" role="alert">Warning: {len(stale)} of the lists screened are stale ({_e(", ".join(stale))}); hits added since their snapshot are missed.</p>' if stale else ""
    summary = (
        f"<p>{rows} rows screened: <b>{counts['high']}</b> high, <b>{counts['medium']}</b> medium, <b>{counts['low']}</b> low, "
        f"{counts['none']} none; {counts['with_hits']} rows with a name match at the threshold.</p>"
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>tollwatch screening report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:4px;vertical-align:top}}
th{{cursor:pointer;background:#eee}}.high{{background:#f8b4b4}}.medium{{background:#fde68a}}.low{{background:#e0f2fe}}small{{color:#555}}.stale,.warning{{color:#9b1c1c}}</style></head><body>
<h1>Screening report</h1>
<h2>Summary</h2>{summary}
{warning}<p>Lists screened (snapshot dates):</p><ul>{lis}<li>tollwatch evidence graph (accepted claims only)</li></ul>
<p>{_e(disclaimer())}</p>
<h2>Rows with hits or risk</h2><p><small>Click a column heading to sort.</small></p>
<table id="hits"><thead><tr><th data-key="text">query id</th><th data-key="text">query</th><th data-key="level">risk</th><th data-key="score">best score</th><th data-key="text">reasons and evidence</th><th data-key="text">matches and explanation</th></tr></thead><tbody>
"""


HTML_TAIL = """</tbody></table>
<script>
document.querySelectorAll('#hits th').forEach(function(th, i){th.addEventListener('click', function(){
 var tb=document.querySelector('#hits tbody'), rows=Array.from(tb.rows), key=th.dataset.key, asc=th.dataset.asc!=='1';
 rows.sort(function(a,b){var x,y; if(key==='level'){x=+a.dataset.level;y=+b.dataset.level}else if(key==='score'){x=+a.dataset.score;y=+b.dataset.score}else{x=a.cells[i].textContent;y=b.cells[i].textContent}
 return (x<y?-1:x>y?1:0)*(asc?1:-1)}); th.dataset.asc=asc?'1':'0'; rows.forEach(function(r){tb.appendChild(r)});});});
</script></body></html>
"""
