"""The dossier's trade context from the store's own trade statistics: the surges and the
re-export exposure estimate that `trade analyze` computes, each with the method that made it.
Empty, and said so, when no statistics are imported: the dossier never invents a flow."""

from __future__ import annotations

from typing import Any

from tollwatch.app.visibility import Store

EXPOSURE_METHOD = ("China's exports of the output HS codes to each destination, times the share of China's imports "
                   "of those codes that came from the DPRK in the same year (core/trade.exposure)")
MAX_ROWS = 25


def trade_analysis(store: Store) -> dict[str, Any]:
    """China–DPRK surges and exposure, largest first, or an empty analysis naming what to import."""
    from tollwatch.app.trade import report

    rep = report(store)
    if not rep["records"]:
        return {"records": 0, "surges": [], "exposure": [], "methods": {},
                "note": "No trade statistics are in the store. Import China customs or UN Comtrade files "
                        "(tollwatch trade import FILE) to add flows, surges and the re-export estimate."}
    surges = sorted(rep["surges"], key=lambda s: -(s.get("ratio") or 0))[:MAX_ROWS]
    exposure = sorted((e for e in rep["exposure"] if e.get("exposure_usd")), key=lambda e: -e["exposure_usd"])[:MAX_ROWS]
    return {
        "records": rep["records"], "surges": surges, "exposure": exposure,
        "methods": {"surge_month": rep["rules"]["surge_month"], "surge_year": rep["rules"]["surge_year"], "exposure": EXPOSURE_METHOD},
        "note": None,
    }
