"""Read trade statistics (UN Comtrade CSV, or a simple generic CSV) into the store.

Nothing is guessed: a number that is not a plain number, an unknown layout or a row that
repeats another stops the import with the file, line and field, and nothing is written.
Rows that are valid but not ours (re-exports, breakdowns by mode of transport) are
skipped and counted in the result, never dropped silently.

Generic `csv` layout (header row required, extra columns ignored):
    period     YYYY-MM, YYYYMM or YYYY
    reporter   ISO alpha-2 or alpha-3 of the reporting country
    partner    ISO alpha-2 or alpha-3 (W00 or WLD = World)
    flow       M / X (or import / export), from the reporter's side
    hs         HS code, 2 to 10 digits (or TOTAL)
    value_usd  trade value in US dollars
    net_kg     optional net weight in kg
    qty        optional quantity in the code's supplementary unit
    description optional commodity label
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from tollwatch.core.errors import InputError
from tollwatch.core.trade import WORLD, TradeDataError, TradeRecord

COMTRADE_REQUIRED = ("period", "reporterISO", "partnerISO", "flowCode", "cmdCode", "primaryValue")
CSV_REQUIRED = ("period", "reporter", "partner", "flow", "hs", "value_usd")
LAYOUTS = ("comtrade", "csv")

# Comtrade flows other than plain imports and exports: re-exports, re-imports, domestic
# exports, foreign imports, processing flows. Valid rows, but not what the analysis counts.
_OTHER_COMTRADE_FLOWS = {"RM", "RX", "DX", "FM", "MIP", "XIP", "MOP", "XOP", "MIF", "XIF", "MOF", "XOF"}
# Breakdown columns whose non-total values would double count the totals.
_BREAKDOWN_TOTALS = {"partner2Code": {"", "0"}, "partner2ISO": {"", "W00"}, "customsCode": {"", "C00"},
                     "motCode": {"", "0"}, "mosCode": {"", "0"}}
_FLOW_WORDS = {"M": "M", "X": "X", "IMPORT": "M", "IMPORTS": "M", "EXPORT": "X", "EXPORTS": "X"}

# ISO 3166 alpha-3 -> alpha-2 for the countries that matter here (the DPRK, its trade
# partners, and the markets for Chinese hair products). Unknown alpha-3 codes are kept as
# they are and reported, so nothing is mis-mapped by guesswork.
ALPHA3 = {
    "PRK": "KP", "KOR": "KR", "CHN": "CN", "HKG": "HK", "MAC": "MO", "TWN": "TW", "JPN": "JP", "MNG": "MN",
    "RUS": "RU", "USA": "US", "CAN": "CA", "MEX": "MX", "BRA": "BR", "ARG": "AR", "CHL": "CL", "COL": "CO",
    "PER": "PE", "GBR": "GB", "IRL": "IE", "FRA": "FR", "DEU": "DE", "ITA": "IT", "ESP": "ES", "PRT": "PT",
    "NLD": "NL", "BEL": "BE", "LUX": "LU", "AUT": "AT", "CHE": "CH", "POL": "PL", "CZE": "CZ", "SVK": "SK",
    "HUN": "HU", "ROU": "RO", "BGR": "BG", "GRC": "GR", "SWE": "SE", "NOR": "NO", "DNK": "DK", "FIN": "FI",
    "EST": "EE", "LVA": "LV", "LTU": "LT", "SVN": "SI", "HRV": "HR", "CYP": "CY", "MLT": "MT", "UKR": "UA",
    "BLR": "BY", "TUR": "TR", "ISR": "IL", "ARE": "AE", "SAU": "SA", "QAT": "QA", "KWT": "KW", "IRN": "IR",
    "IRQ": "IQ", "EGY": "EG", "NGA": "NG", "GHA": "GH", "ZAF": "ZA", "KEN": "KE", "ETH": "ET", "CIV": "CI",
    "CMR": "CM", "SEN": "SN", "AGO": "AO", "TZA": "TZ", "UGA": "UG", "BEN": "BJ", "TGO": "TG", "IND": "IN",
    "PAK": "PK", "BGD": "BD", "LKA": "LK", "NPL": "NP", "MMR": "MM", "THA": "TH", "VNM": "VN", "LAO": "LA",
    "KHM": "KH", "MYS": "MY", "SGP": "SG", "IDN": "ID", "PHL": "PH", "AUS": "AU", "NZL": "NZ", "KAZ": "KZ",
    "UZB": "UZ", "KGZ": "KG", "TJK": "TJ", "AFG": "AF", "SYR": "SY", "JOR": "JO", "LBN": "LB", "MAR": "MA",
    "DZA": "DZ", "TUN": "TN", "LBY": "LY", "SDN": "SD", "VEN": "VE", "CUB": "CU", "ECU": "EC", "PAN": "PA",
    "DOM": "DO", "JAM": "JM", "HTI": "HT", "GTM": "GT",
}
WORLD_CODES = {"W00": WORLD, "WLD": WORLD, "WORLD": WORLD}


@dataclass
class ParsedTrade:
    path: str
    layout: str
    rows: list[tuple[TradeRecord, int]] = field(default_factory=list)  # (record, line number)
    skipped: dict[str, int] = field(default_factory=dict)
    unmapped_codes: set[str] = field(default_factory=set)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1


@dataclass
class ImportResult:
    path: str
    layout: str
    imported: int
    already_stored: int
    skipped: dict[str, int]
    unmapped_codes: list[str]

    def as_dict(self) -> dict:
        return {
            "file": self.path,
            "layout": self.layout,
            "imported": self.imported,
            "already_stored": self.already_stored,
            "skipped": self.skipped,
            "unmapped_country_codes": self.unmapped_codes,
        }


def country_code(raw: str, parsed: ParsedTrade | None = None) -> str:
    """Alpha-2 from alpha-2 or alpha-3; World as W00; unknown alpha-3 kept and reported."""
    code = (raw or "").strip().upper()
    if code in WORLD_CODES:
        return WORLD_CODES[code]
    if len(code) == 2 and code.isalpha():
        return code
    if code in ALPHA3:
        return ALPHA3[code]
    if parsed is not None and code:
        parsed.unmapped_codes.add(code)
    return code


def detect_layout(header: list[str]) -> str | None:
    cols = {h.strip() for h in header}
    if all(c in cols for c in COMTRADE_REQUIRED):
        return "comtrade"
    if all(c in cols for c in CSV_REQUIRED):
        return "csv"
    return None


def parse_trade_text(text: str, path: str, layout: str = "auto") -> ParsedTrade:
    reader = csv.reader(io.StringIO(text, newline=None))  # universal newlines: a bare \r ends a line
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(reader)]
    except StopIteration:
        raise InputError("file is empty", path=path) from None
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=path, line=1, field="header") from None
    found = detect_layout(header)
    if layout == "auto":
        if found is None:
            raise InputError(
                "unknown layout: expected the comtrade columns "
                f"({', '.join(COMTRADE_REQUIRED)}) or the csv columns ({', '.join(CSV_REQUIRED)})",
                path=path, line=1, field="header",
            )
        layout = found
    elif layout not in LAYOUTS:
        raise InputError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}", path=path, field="format")
    required = COMTRADE_REQUIRED if layout == "comtrade" else CSV_REQUIRED
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"not a {layout} layout: missing column(s) {', '.join(missing)}", path=path, line=1,
                         field="header")
    dupes = sorted({h for h in header if header.count(h) > 1 and h in required})
    if dupes:
        raise InputError(f"column(s) {', '.join(dupes)} appear twice", path=path, line=1, field="header")

    parsed = ParsedTrade(path=path, layout=layout)
    seen: dict[tuple, int] = {}
    rows = tqdm(reader, desc=f"reading {Path(path).name}", unit=" rows", disable=None, file=sys.stderr,
                leave=False)
    for cells in _cells(rows, reader, path):
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            raise InputError(f"{len(cells)} cells for {len(header)} columns", path=path, line=line, field="row")
        row = dict(zip(header, [c.strip() for c in cells]))
        fields = _comtrade_record(row, parsed) if layout == "comtrade" else _csv_record(row, parsed, path, line)
        if fields is None:
            continue
        try:
            record = TradeRecord(**fields)
        except TradeDataError as exc:
            column = _column_name(layout, exc.field)
            raise InputError(exc.message, path=path, line=line, field=column) from None
        if record.key in seen:
            raise InputError(
                f"duplicate row: same period, reporter, partner, flow and code as line {seen[record.key]}",
                path=path, line=line, field="row",
            )
        seen[record.key] = line
        parsed.rows.append((record, line))
    return parsed


TRADE_MAX_CELL = 64 * 1024  # a trade cell is a code, a period or a number; longer is a broken file


def _cells(rows, reader, path: str):
    """The reader's rows, a csv.Error or an oversize cell as the one-line error.

    The cell limit is checked here, not left to csv.field_size_limit, which is process-wide
    and may have been raised by another reader."""
    try:
        for cells in rows:
            if any(len(c) > TRADE_MAX_CELL for c in cells):
                raise InputError(f"a cell is over the {TRADE_MAX_CELL}-character limit", path=path, line=reader.line_num, field="row")
            yield cells
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=path, line=reader.line_num + 1, field="row") from None


_COMTRADE_FIELDS = {"period": "period", "reporter": "reporterISO", "partner": "partnerISO", "flow": "flowCode",
                    "hs": "cmdCode", "value_usd": "primaryValue", "net_kg": "netWgt", "qty": "qty",
                    "description": "cmdDesc"}


def _column_name(layout: str, field_name: str) -> str:
    return _COMTRADE_FIELDS.get(field_name, field_name) if layout == "comtrade" else field_name


def _comtrade_record(row: dict, parsed: ParsedTrade) -> dict | None:
    flow = row.get("flowCode", "").upper()
    if flow in _OTHER_COMTRADE_FLOWS:
        parsed.skip(f"flowCode {flow} (not a plain import/export)")
        return None
    for column, totals in _BREAKDOWN_TOTALS.items():
        if column in row and row[column] not in totals:
            parsed.skip(f"breakdown row ({column} not a total)")
            return None
    return {
        "period": row.get("period", ""),
        "reporter": country_code(row.get("reporterISO", ""), parsed),
        "partner": country_code(row.get("partnerISO", ""), parsed),
        "flow": flow,
        "hs": row.get("cmdCode", ""),
        "value_usd": row.get("primaryValue"),
        "net_kg": row.get("netWgt"),
        "qty": row.get("qty"),
        "description": row.get("cmdDesc") or None,
    }


def _csv_record(row: dict, parsed: ParsedTrade, path: str, line: int) -> dict:
    flow_raw = row.get("flow", "")
    flow = _FLOW_WORDS.get(flow_raw.upper())
    if flow is None:
        raise InputError(f"{flow_raw!r} is not M, X, import or export", path=path, line=line, field="flow")
    return {
        "period": row.get("period", ""),
        "reporter": country_code(row.get("reporter", ""), parsed),
        "partner": country_code(row.get("partner", ""), parsed),
        "flow": flow,
        "hs": row.get("hs", ""),
        "value_usd": row.get("value_usd"),
        "net_kg": row.get("net_kg"),
        "qty": row.get("qty"),
        "description": row.get("description") or None,
    }


def parse_trade_file(path: Path, layout: str = "auto") -> ParsedTrade:
    from tollwatch.importers.files import read_text

    return parse_trade_text(read_text(path), str(path), layout)


def import_parsed(store, parsed: ParsedTrade, actor: str = "cli") -> ImportResult:
    """Store the parsed rows in one audited transaction, after checking them against the store.

    A row identical to a stored one is counted as already stored; a row with the same key
    but different figures is refused, naming its line.
    """
    from tollwatch.store import trade_repo

    with store.begin(actor) as tx:
        stored = trade_repo.existing(tx.conn, [r.key for r, _ in parsed.rows])
        new = []
        same = 0
        for record, line in parsed.rows:
            old = stored.get(record.key)
            if old is None:
                new.append((record, f"{Path(parsed.path).name}:{line}"))
            elif (old.value_usd, old.net_kg, old.qty) == (record.value_usd, record.net_kg, record.qty):
                same += 1
            else:
                raise InputError(
                    f"conflicts with a stored record for {record.period} {record.reporter}-{record.partner} "
                    f"{record.flow} {record.hs} (stored value {old.value_usd:g}, here {record.value_usd:g})",
                    path=parsed.path, line=line, field="row",
                )
        trade_repo.record_import(
            tx, new, Path(parsed.path).name[:120],
            {"layout": parsed.layout, "imported": len(new), "already_stored": same, "skipped": parsed.skipped},
        )
    return ImportResult(parsed.path, parsed.layout, len(new), same, dict(parsed.skipped),
                        sorted(parsed.unmapped_codes))


def import_trade_file(store, path: Path, layout: str = "auto", actor: str = "cli") -> ImportResult:
    return import_parsed(store, parse_trade_file(Path(path), layout), actor)
