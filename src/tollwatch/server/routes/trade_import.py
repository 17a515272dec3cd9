"""Importing trade statistics from the web app: the same use case and layouts as
`tollwatch trade import` (app.trade.import_file), for analysts; the page shows the import's
summary above the redrawn charts, or the file's one-line error."""

from __future__ import annotations

import shutil

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile

from tollwatch.app import trade
from tollwatch.app.trade_charts import CHART_CAPTIONS, FLOW_WORDS
from tollwatch.core.errors import InputError
from tollwatch.server import auth
from tollwatch.server.deps import State
from tollwatch.server.errors import FORM_ERRORS, status_and_detail
from tollwatch.server.state import ServerState
from tollwatch.server.templating import render
from tollwatch.server.uploads import check_suffix, display_name, save_upload

router = APIRouter()

TRADE_INPUTS = (".csv", ".txt", ".gz")
LAYOUTS = ("auto", "comtrade", "csv")


def trade_context(state: ServerState, reporter: str, partner: str) -> dict:
    """What trade.html shows: the report, the charts drawn, what to import for the others, coverage."""
    rep, images, cached = state.trade_pages.get(reporter, partner)
    coverage = trade.year_coverage(rep)
    return {"rep": rep, "charts": images, "gaps": trade.chart_gaps(rep), "coverage": coverage,
            "covers": lambda period: trade.coverage_text(coverage, period), "layouts": LAYOUTS, "cached": cached,
            "flow_words": FLOW_WORDS, "chart_captions": CHART_CAPTIONS}


def pair(reporter: str, partner: str) -> tuple[str, str]:
    reporter, partner = (reporter or "CN")[:3].upper(), (partner or "KP")[:3].upper()
    if not (reporter.isalpha() and partner.isalpha()):
        raise HTTPException(400, "reporter and partner are ISO country codes")
    return reporter, partner


async def _import(request: Request, state: ServerState, file: UploadFile, layout: str) -> dict:
    p = auth.require_writer(request)
    if layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}", field="layout")
    suffix = check_suffix(file.filename, TRADE_INPUTS, "trade.csv")
    display = display_name(file.filename)
    folder, path = await save_upload(file, "trade", suffix, state.max_upload_bytes, "tollwatch-trade-")
    try:
        try:
            result = await state.jobs.run(f"user:{p.actor}", lambda: trade.import_file(state.store, p.actor, path, layout))
        except InputError as exc:  # the file as the user named it, never the temporary path
            raise InputError(exc.message.replace(str(path), display), path=display, line=exc.line, field=exc.field) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {**result.as_dict(), "file": display}


@router.post("/api/trade/import", tags=["trade"])
async def api_trade_import(request: Request, state: State, file: UploadFile = File(..., description="UN Comtrade CSV or the generic csv layout (docs/trade.md)"),
                           layout: str = Form("auto")):
    auth.check_csrf(request, None)
    return await _import(request, state, file, layout)


@router.post("/trade/import", include_in_schema=False)
async def trade_import_submit(request: Request, state: State, file: UploadFile = File(...), layout: str = Form("auto"),
                              csrf_token: str = Form(""), reporter: str = Form("CN"), partner: str = Form("KP")):
    auth.check_csrf(request, csrf_token)
    reporter, partner = pair(reporter, partner)
    try:
        imported, error, status = await _import(request, state, file, layout), None, 200
    except FORM_ERRORS as exc:
        status, error = status_and_detail(exc)
        imported = None
    return render(request, "trade.html", {**trade_context(state, reporter, partner), "imported": imported, "import_error": error}, status=status)
