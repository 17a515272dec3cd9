"""Trade-flow analysis: the toll-processing fingerprint, surges, sanction flags, exposure.

Pure functions over `TradeRecord`s (no I/O). The rules are spelled out in docs/trade.md;
every number returned can be recomputed by hand from the records.

Conventions:
- periods are "YYYY-MM" (monthly) or "YYYY" (annual); countries are ISO alpha-2, "W00" is
  Comtrade's "World" (all partners);
- the *principal* (default reporter, CN) ships inputs (HS 0501, 6703) to the *processor*
  (default partner, KP) and takes outputs (HS 6704) back;
- a month with no record inside a series' span counts as zero trade (Comtrade omits zero rows).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from statistics import median
from typing import Any

INPUT_CODES: tuple[str, ...] = ("0501", "6703")
OUTPUT_CODES: tuple[str, ...] = ("6704",)
WORLD = "W00"
PROCESSOR = "KP"
EARLY_WINTER_MONTHS: tuple[int, ...] = (11, 12, 1)

_PERIOD_RE = re.compile(r"^(\d{4})(?:-?(\d{2}))?$")
_COUNTRY_RE = re.compile(r"^[A-Z0-9_]{2,3}$")
_HS_RE = re.compile(r"^(\d{2,10}|TOTAL)$")


class TradeDataError(ValueError):
    """A value a trade record cannot hold; `field` names the column at fault."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def parse_period(text: str) -> str:
    """"202304", "2023-04" -> "2023-04"; "2023" -> "2023"."""
    m = _PERIOD_RE.match(str(text).strip())
    if not m:
        raise TradeDataError("period", f"{text!r} is not YYYYMM, YYYY-MM or YYYY")
    year, month = int(m.group(1)), m.group(2)
    if not 1900 <= year <= 2100:
        raise TradeDataError("period", f"year {year} out of range")
    if month is None:
        return f"{year:04d}"
    if not 1 <= int(month) <= 12:
        raise TradeDataError("period", f"month {month} out of range")
    return f"{year:04d}-{int(month):02d}"


def parse_number(text: str | float | int | None, field_name: str, *, required: bool) -> float | None:
    """Plain decimal or scientific numbers only: "1,234" is refused, not guessed."""
    if text is None or (isinstance(text, str) and not text.strip()):
        if required:
            raise TradeDataError(field_name, "missing value")
        return None
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        raw = text.strip()
        try:
            value = float(raw)
        except ValueError:
            raise TradeDataError(field_name, f"{raw!r} is not a number") from None
    if math.isnan(value) or math.isinf(value):
        raise TradeDataError(field_name, f"{text!r} is not a finite number")
    if value < 0:
        raise TradeDataError(field_name, f"{text!r} is negative")
    return value


@dataclass(frozen=True)
class TradeRecord:
    period: str
    reporter: str
    partner: str
    flow: str  # "M" import or "X" export, from the reporter's side
    hs: str
    value_usd: float
    net_kg: float | None = None
    qty: float | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "period", parse_period(self.period))
        for name in ("reporter", "partner"):
            code = str(getattr(self, name)).strip().upper()
            if not _COUNTRY_RE.match(code):
                raise TradeDataError(name, f"{getattr(self, name)!r} is not a country code")
            object.__setattr__(self, name, code)
        flow = str(self.flow).strip().upper()
        if flow not in ("M", "X"):
            raise TradeDataError("flow", f"{self.flow!r} is not M or X")
        object.__setattr__(self, "flow", flow)
        hs = str(self.hs).strip().upper()
        if not _HS_RE.match(hs):
            raise TradeDataError("hs", f"{self.hs!r} is not an HS code")
        object.__setattr__(self, "hs", hs)
        object.__setattr__(self, "value_usd", parse_number(self.value_usd, "value_usd", required=True))
        object.__setattr__(self, "net_kg", parse_number(self.net_kg, "net_kg", required=False))
        object.__setattr__(self, "qty", parse_number(self.qty, "qty", required=False))

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.period, self.reporter, self.partner, self.flow, self.hs)

    @property
    def monthly(self) -> bool:
        return len(self.period) == 7

    @property
    def year(self) -> str:
        return self.period[:4]


# --- periods ------------------------------------------------------------------------------


def month_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def month_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def hs_matches(code: str, prefixes: Iterable[str]) -> bool:
    return code.isdigit() and any(code.startswith(p) for p in prefixes)


def dedupe_hierarchy(records: Iterable[TradeRecord]) -> list[TradeRecord]:
    """Drop a record when a coarser code covering it is present for the same period and pair.

    Comtrade files often hold 6704 and 670411 side by side; summing both would double count.
    The coarsest code present is the one counted.
    """
    records = list(records)
    codes: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    for r in records:
        codes[(r.period, r.reporter, r.partner, r.flow)].add(r.hs)
    out = []
    for r in records:
        present = codes[(r.period, r.reporter, r.partner, r.flow)]
        if r.hs.isdigit() and any(r.hs != c and c.isdigit() and r.hs.startswith(c) for c in present):
            continue
        out.append(r)
    return out


# --- series ---------------------------------------------------------------------------------


@dataclass
class Point:
    value: float = 0.0
    net_kg: float | None = None
    months: int = 0  # for annual points built from monthly records

    def add(self, value: float, kg: float | None) -> None:
        self.value += value
        if kg is not None:
            self.net_kg = (self.net_kg or 0.0) + kg


def monthly_series(records: Iterable[TradeRecord], predicate: Callable[[TradeRecord], bool]) -> dict[str, Point]:
    out: dict[str, Point] = {}
    for r in records:
        if r.monthly and predicate(r):
            out.setdefault(r.period, Point()).add(r.value_usd, r.net_kg)
    return dict(sorted(out.items()))


def yearly_series(records: Iterable[TradeRecord], predicate: Callable[[TradeRecord], bool]) -> dict[str, Point]:
    """Annual totals: an annual record wins over the months of the same key and year."""
    records = [r for r in records if predicate(r)]
    annual_keys = {(r.year, r.reporter, r.partner, r.flow, r.hs) for r in records if not r.monthly}
    out: dict[str, Point] = {}
    months: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if r.monthly and (r.year, r.reporter, r.partner, r.flow, r.hs) in annual_keys:
            continue
        out.setdefault(r.year, Point()).add(r.value_usd, r.net_kg)
        if r.monthly:
            months[r.year].add(r.period)
        else:
            months[r.year].update(f"{r.year}-{m:02d}" for m in range(1, 13))
    for year, point in out.items():
        point.months = len(months[year])
    return dict(sorted(out.items()))


def _always(_record: TradeRecord) -> bool:
    return True


def _by_flow_and_code(records: Iterable[TradeRecord]) -> list[tuple[tuple[str, str], list[TradeRecord]]]:
    groups: dict[tuple[str, str], list[TradeRecord]] = defaultdict(list)
    for r in records:
        groups[(r.flow, r.hs)].append(r)
    return sorted(groups.items())


def fill_months(series: dict[str, float], first: int | None = None, last: int | None = None) -> dict[int, float]:
    """Month index -> value over a contiguous span, zero where no record exists."""
    if not series and (first is None or last is None):
        return {}
    idx = {month_index(p): v for p, v in series.items()}
    lo = min(idx) if first is None else first
    hi = max(idx) if last is None else last
    return {i: idx.get(i, 0.0) for i in range(lo, hi + 1)}


# --- lag --------------------------------------------------------------------------------------


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return sxy / math.sqrt(sxx * syy)


def best_lag(inputs: dict[str, float], outputs: dict[str, float], max_lag: int = 6, min_pairs: int = 6) -> dict[str, Any]:
    """Lag L (months) maximising corr(input[t], output[t+L]); inputs lead outputs by L."""
    method = (
        f"Pearson correlation of monthly input value at t with output value at t+L, L=0..{max_lag}; "
        f"months without a record count as zero; at least {min_pairs} pairs; ties go to the shorter lag"
    )
    if not inputs or not outputs:
        return {"best_lag_months": None, "correlation": None, "by_lag": [], "method": method}
    all_idx = [month_index(p) for p in list(inputs) + list(outputs)]
    lo, hi = min(all_idx), max(all_idx)
    xin = fill_months(inputs, lo, hi)
    xout = fill_months(outputs, lo, hi)
    by_lag = []
    best = None
    for lag in range(0, max_lag + 1):
        pairs = [(xin[t], xout[t + lag]) for t in range(lo, hi + 1 - lag)]
        r = pearson([a for a, _ in pairs], [b for _, b in pairs]) if len(pairs) >= min_pairs else None
        by_lag.append({"lag": lag, "correlation": None if r is None else round(r, 4), "pairs": len(pairs)})
        if r is not None and (best is None or r > best[1] + 1e-12):
            best = (lag, r)
    return {
        "best_lag_months": None if best is None else best[0],
        "correlation": None if best is None else round(best[1], 4),
        "by_lag": by_lag,
        "method": method,
    }


# --- robust anomalies -----------------------------------------------------------------------


def robust_z(values: list[float], min_points: int = 5) -> list[float | None]:
    """Modified z-score 0.6745·(x−median)/MAD (Iglewicz & Hoaglin); mean-AD if MAD is 0."""
    if len(values) < min_points:
        return [None] * len(values)
    m = median(values)
    tiny = 1e-9 * max(1.0, abs(m))  # float noise in value/kg is not dispersion
    mad = median(abs(v - m) for v in values)
    if mad > tiny:
        return [0.6745 * (v - m) / mad for v in values]
    mean_ad = sum(abs(v - m) for v in values) / len(values)
    if mean_ad > tiny:
        return [(v - m) / (1.253314 * mean_ad) for v in values]
    return [0.0] * len(values)


def unit_values(records: list[TradeRecord], threshold: float = 3.5, min_change: float = 0.25) -> list[dict[str, Any]]:
    """US$/kg per (flow, code, period), monthly and annual, with robust anomalies per series.

    An anomaly needs |modified z| > threshold *and* a unit value at least `min_change`
    (25%) away from the series median, so a near-constant series does not flag noise.
    """
    out = []
    for (flow, hs), group in _by_flow_and_code(records):
        if not hs.isdigit():
            continue
        for granularity, series in (
            ("month", monthly_series(group, _always)),
            ("year", yearly_series(group, _always)),
        ):
            rows = [
                (period, p, p.net_kg) for period, p in series.items() if p.net_kg is not None and p.net_kg > 0
            ]
            uvs = [p.value / kg for _, p, kg in rows]
            zs = robust_z(uvs)
            mid = median(uvs) if uvs else 0.0
            for (period, p, _kg), uv, z in zip(rows, uvs, zs):
                out.append(
                    {
                        "period": period,
                        "granularity": granularity,
                        "flow": flow,
                        "hs": hs,
                        "value": p.value,
                        "net_kg": p.net_kg,
                        "usd_per_kg": round(uv, 4),
                        "robust_z": None if z is None else round(z, 3),
                        "anomaly": z is not None and abs(z) > threshold
                        and (mid == 0 or abs(uv / mid - 1) >= min_change),
                    }
                )
    return out


# --- seasonality ------------------------------------------------------------------------------


def seasonality(series: dict[str, float]) -> dict[str, Any]:
    """Month-of-year profile: the mean of each calendar month over the series' span, and each
    month's share of the sum of those means (so a span of 15 months does not over-weight
    the three months it holds twice). Shares sum to 1."""
    if not series:
        return {"profile": [], "peak_month": None, "early_winter_share": None, "early_winter_index": None}
    filled = fill_months(series)
    totals: dict[int, float] = defaultdict(float)
    counts: dict[int, int] = defaultdict(int)
    for i, v in filled.items():
        totals[i % 12 + 1] += v
        counts[i % 12 + 1] += 1
    means = {m: totals[m] / counts[m] for m in range(1, 13) if counts[m]}
    grand = sum(means.values())
    profile = [
        {
            "month": m,
            "mean": means.get(m),
            "share": (means[m] / grand) if grand and m in means else None,
            "observations": counts[m],
        }
        for m in range(1, 13)
    ]
    peak = max(means, key=lambda m: (means[m], -m))
    share = sum(means.get(m, 0.0) for m in EARLY_WINTER_MONTHS) / grand if grand else None
    expected = len(EARLY_WINTER_MONTHS) / 12
    return {
        "profile": profile,
        "peak_month": peak,
        "early_winter_months": list(EARLY_WINTER_MONTHS),
        "early_winter_share": None if share is None else round(share, 4),
        "early_winter_index": None if share is None else round(share / expected, 3),
    }


# --- surges -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurgeRule:
    k: float = 2.0
    window: int = 12
    min_baseline: int = 6

    def describe(self, unit: str) -> str:
        return (
            f"value > {self.k:g} x median of the trailing {self.window} {unit}s "
            f"(at least {self.min_baseline} {unit}s since the series began; empty {unit}s count as zero; "
            f"baseline must be above zero)"
        )


def surges(series: dict[int, float], rule: SurgeRule) -> list[tuple[int, float, float]]:
    """(index, value, baseline) for each step whose value exceeds k x trailing median.

    `series` is contiguous (index -> value, zeros filled). Steps before the series has
    `min_baseline` history are never surges; a zero baseline never makes a surge.
    """
    out = []
    indices = sorted(series)
    for pos, i in enumerate(indices):
        window = [series[j] for j in indices[max(0, pos - rule.window) : pos]]
        if len(window) < rule.min_baseline:
            continue
        base = median(window)
        v = series[i]
        if base > 0 and v > rule.k * base:
            out.append((i, v, base))
    return out


def find_surges(records: list[TradeRecord], monthly_rule: SurgeRule, yearly_rule: SurgeRule) -> list[dict[str, Any]]:
    out = []
    for (flow, hs), group in _by_flow_and_code(records):
        months = {p: pt.value for p, pt in monthly_series(group, _always).items()}
        if months:
            for i, v, base in surges(fill_months(months), monthly_rule):
                out.append(_surge(month_label(i), "month", flow, hs, v, base, monthly_rule))
        years = {int(p): pt.value for p, pt in yearly_series(group, _always).items()}
        if years:
            filled = {y: years.get(y, 0.0) for y in range(min(years), max(years) + 1)}
            for y, v, base in surges(filled, yearly_rule):
                out.append(_surge(f"{y:04d}", "year", flow, hs, v, base, yearly_rule))
    return sorted(out, key=lambda s: (s["granularity"], s["period"], s["flow"], s["hs"]))


def _surge(period: str, granularity: str, flow: str, hs: str, value: float, base: float, rule: SurgeRule) -> dict[str, Any]:
    return {
        "period": period,
        "granularity": granularity,
        "flow": flow,
        "hs": hs,
        "value": value,
        "baseline": base,
        "ratio": round(value / base, 3),
        "rule": rule.describe(granularity),
    }


# --- sanctions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SanctionRule:
    id: str
    resolution: str  # UN Security Council resolution number
    adopted: str  # YYYY-MM-DD
    direction: str  # "export": goods leaving the DPRK; "import": goods supplied to the DPRK
    hs_prefixes: tuple[str, ...]
    goods: str

    def describe(self) -> str:
        side = "exports from the DPRK" if self.direction == "export" else "supply to the DPRK"
        return f"UNSCR {self.resolution} ({self.adopted[:4]}) bans {side} of {self.goods}"


_CHAPTERS: Callable[[int, int], tuple[str, ...]] = lambda lo, hi: tuple(f"{c:02d}" for c in range(lo, hi + 1))  # noqa: E731

# The categories below come from the resolutions' texts as commonly mapped to HS by the
# 1718 Committee's implementation notes; see docs/trade.md. Caps (oil) are not bans and are omitted.
SANCTION_RULES: tuple[SanctionRule, ...] = (
    SanctionRule("unscr2375-textiles", "2375", "2017-09-11", "export", _CHAPTERS(50, 63),
                 "textiles, fabrics and apparel (HS chapters 50-63)"),
    SanctionRule("unscr2375-condensates", "2375", "2017-09-11", "import", ("2709", "2711"),
                 "condensates and natural gas liquids (HS 2709, 2711)"),
    SanctionRule("unscr2371-coal", "2371", "2017-08-05", "export", ("2701",), "coal (HS 2701)"),
    SanctionRule("unscr2371-iron", "2371", "2017-08-05", "export", ("2601", "7201", "7202", "7203", "7206"),
                 "iron and iron ore (HS 2601, 7201-7203, 7206)"),
    SanctionRule("unscr2371-lead", "2371", "2017-08-05", "export", ("2607", "78"), "lead and lead ore (HS 2607, ch. 78)"),
    SanctionRule("unscr2371-seafood", "2371", "2017-08-05", "export", ("03", "1603", "1604", "1605"),
                 "seafood: fish, crustaceans, molluscs, other aquatic invertebrates (HS ch. 03, 1603-1605)"),
    SanctionRule("unscr2270-gold-ores", "2270", "2016-03-02", "export", ("7108", "2614", "2615", "2805", "2846"),
                 "gold, titanium ore, vanadium ore and rare earth minerals (HS 7108, 2614, 2615, 2805, 2846)"),
    SanctionRule("unscr2270-aviation-fuel", "2270", "2016-03-02", "import", ("271019",),
                 "aviation fuel, including jet fuel (within HS 271019)"),
    SanctionRule("unscr2321-metals", "2321", "2016-11-30", "export",
                 ("2603", "74", "2604", "75", "7106", "2616", "2608", "79"),
                 "copper, nickel, silver and zinc, with their ores (HS 2603, ch. 74, 2604, ch. 75, 7106, 2616, 2608, ch. 79)"),
    SanctionRule("unscr2321-statues", "2321", "2016-11-30", "export", ("9703",), "statues (HS 9703)"),
    SanctionRule("unscr2321-helicopters-vessels", "2321", "2016-11-30", "import", ("880212", "880220", "880230", "89"),
                 "new helicopters and vessels (HS 8802 helicopters, ch. 89)"),
    SanctionRule("unscr2397-food-agri", "2397", "2017-12-22", "export", ("07", "08", "12"),
                 "food and agricultural products (HS ch. 07, 08, 12)"),
    SanctionRule("unscr2397-machinery", "2397", "2017-12-22", "export", ("84", "85"),
                 "machinery and electrical equipment (HS ch. 84, 85)"),
    SanctionRule("unscr2397-earth-stone", "2397", "2017-12-22", "export", ("25",),
                 "earth and stone including magnesite and magnesia (HS ch. 25)"),
    SanctionRule("unscr2397-wood", "2397", "2017-12-22", "export", ("44",), "wood (HS ch. 44)"),
    SanctionRule("unscr2397-vessels", "2397", "2017-12-22", "export", ("89",), "vessels (HS ch. 89)"),
    SanctionRule("unscr2397-machinery-to-dprk", "2397", "2017-12-22", "import", ("84", "85", "86", "87", "88", "89"),
                 "industrial machinery, transportation vehicles (HS ch. 84-89)"),
    SanctionRule("unscr2397-metals-to-dprk", "2397", "2017-12-22", "import", _CHAPTERS(72, 83),
                 "iron, steel and other metals (HS ch. 72-83)"),
)


def dprk_direction(record: TradeRecord, processor: str = PROCESSOR) -> str | None:
    """"export" if the goods leave the DPRK, "import" if they reach it, else None."""
    if record.reporter == processor:
        return "export" if record.flow == "X" else "import"
    if record.partner == processor:
        return "export" if record.flow == "M" else "import"
    return None


def sanction_flags(records: Iterable[TradeRecord], processor: str = PROCESSOR,
                   rules: tuple[SanctionRule, ...] = SANCTION_RULES) -> list[dict[str, Any]]:
    """Every non-zero flow in a banned category, dated on or after the ban's adoption.

    A monthly record counts from the month of adoption, an annual one from the year: the
    flag says the flow needs explaining, not that it is a proven violation.
    """
    out = []
    for r in records:
        if r.value_usd <= 0 or not r.hs.isdigit():
            continue
        direction = dprk_direction(r, processor)
        if direction is None:
            continue
        for rule in rules:
            if rule.direction != direction or not hs_matches(r.hs, rule.hs_prefixes):
                continue
            start = rule.adopted[:7] if r.monthly else rule.adopted[:4]
            if r.period < start:
                continue
            out.append(
                {
                    "period": r.period,
                    "reporter": r.reporter,
                    "partner": r.partner,
                    "flow": r.flow,
                    "hs": r.hs,
                    "value": r.value_usd,
                    "rule": rule.describe(),
                    "rule_id": rule.id,
                    "resolution": f"UNSCR {rule.resolution}",
                }
            )
    return sorted(out, key=lambda f: (f["period"], f["hs"], f["rule_id"]))


# --- exposure ---------------------------------------------------------------------------------


def exposure(records: list[TradeRecord], reporter: str = "CN", processor: str = PROCESSOR,
             codes: tuple[str, ...] = OUTPUT_CODES) -> dict[str, Any]:
    """Reporter's exports of `codes` by destination, weighted by the processor's import share.

    share(year) = imports from processor / total imports (the W00 "World" row if present,
    else the sum over partners); exposure = exports to destination x share of the same year.
    """
    recs = [r for r in records if r.reporter == reporter and hs_matches(r.hs, codes)]

    def yearly(pred: Callable[[TradeRecord], bool]) -> dict[str, float]:
        return {y: p.value for y, p in yearly_series(recs, pred).items()}

    from_proc = yearly(lambda r: r.flow == "M" and r.partner == processor)
    world = yearly(lambda r: r.flow == "M" and r.partner == WORLD)
    summed = yearly(lambda r: r.flow == "M" and r.partner != WORLD)
    shares = []
    share_by_year: dict[str, float] = {}
    for year in sorted(set(from_proc) | set(world) | set(summed)):
        total = world.get(year) or summed.get(year) or 0.0
        kp = from_proc.get(year, 0.0)
        share = kp / total if total > 0 else None
        if share is not None:
            share_by_year[year] = share
        shares.append(
            {
                "year": year,
                "imports_from_processor": kp,
                "total_imports": total,
                "total_from": "W00 row" if year in world and world[year] else "sum of partners",
                "share": None if share is None else round(share, 6),
            }
        )
    rows: list[dict[str, Any]] = []
    destinations = sorted({r.partner for r in recs if r.flow == "X" and r.partner not in (WORLD, processor)})
    for dest in destinations:
        for year, value in yearly(lambda r: r.flow == "X" and r.partner == dest).items():
            share = share_by_year.get(year)
            rows.append(
                {
                    "year": year,
                    "destination": dest,
                    "exports_usd": value,
                    "processor_share": None if share is None else round(share, 6),
                    "exposure_usd": None if share is None else round(value * share, 2),
                }
            )
    rows.sort(key=lambda e: (e["year"], -(e["exposure_usd"] or 0), e["destination"]))
    return {"shares": shares, "by_destination": rows}


# --- the whole analysis -----------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisParams:
    reporter: str = "CN"
    partner: str = PROCESSOR
    input_codes: tuple[str, ...] = INPUT_CODES
    output_codes: tuple[str, ...] = OUTPUT_CODES
    monthly_surge: SurgeRule = field(default_factory=SurgeRule)
    yearly_surge: SurgeRule = field(default_factory=lambda: SurgeRule(k=2.0, window=3, min_baseline=2))
    max_lag: int = 6
    anomaly_threshold: float = 3.5


def _role_flows(partner_is_processor: bool) -> tuple[str, str]:
    """(input flow, output flow) from the reporter's side."""
    return ("X", "M") if partner_is_processor else ("M", "X")


def _code_labels(records: list[TradeRecord]) -> list[dict[str, Any]]:
    labels: dict[str, str | None] = {}
    for r in records:
        if not labels.get(r.hs):
            labels[r.hs] = r.description
    return [{"hs": hs, "description": labels[hs]} for hs in sorted(labels)]


def analyze(records: Iterable[TradeRecord], params: AnalysisParams = AnalysisParams()) -> dict[str, Any]:
    all_records = dedupe_hierarchy(records)
    pair = [r for r in all_records if r.reporter == params.reporter and r.partner == params.partner]
    # The processor is the partner unless the reporter is the DPRK itself.
    processor = params.reporter if params.reporter == PROCESSOR else params.partner
    in_flow, out_flow = _role_flows(processor == params.partner)

    def is_input(r: TradeRecord, code: str | None = None) -> bool:
        return r.flow == in_flow and hs_matches(r.hs, (code,) if code else params.input_codes)

    def is_output(r: TradeRecord, code: str | None = None) -> bool:
        return r.flow == out_flow and hs_matches(r.hs, (code,) if code else params.output_codes)

    flows = []
    for role, codes, pred in (("input", params.input_codes, is_input), ("output", params.output_codes, is_output)):
        for code in codes:
            for gran, fn in (("month", monthly_series), ("year", yearly_series)):
                for period, p in fn(pair, lambda r: pred(r, code)).items():
                    row = {"period": period, "granularity": gran, "role": role,
                           "flow": in_flow if role == "input" else out_flow, "hs": code,
                           "value": p.value, "net_kg": p.net_kg}
                    if gran == "year":
                        row["months"] = p.months
                    flows.append(row)

    ratios = []
    lag = None
    season = {}
    for gran, fn in (("month", monthly_series), ("year", yearly_series)):
        ins = fn(pair, is_input)
        outs = fn(pair, is_output)
        for period in sorted(set(ins) | set(outs)):
            i, o = ins.get(period, Point()), outs.get(period, Point())
            ratios.append(
                {
                    "period": period,
                    "granularity": gran,
                    "input_usd": i.value,
                    "output_usd": o.value,
                    "ratio": round(o.value / i.value, 4) if i.value else None,
                    "input_kg": i.net_kg,
                    "output_kg": o.net_kg,
                    "kg_ratio": round(o.net_kg / i.net_kg, 4) if i.net_kg and o.net_kg is not None else None,
                }
            )
            if gran == "year":
                ratios[-1]["months"] = max(i.months, o.months)
        if gran == "month":
            in_values = {p: v.value for p, v in ins.items()}
            out_values = {p: v.value for p, v in outs.items()}
            lag = best_lag(in_values, out_values, params.max_lag)
            season = {"input": seasonality(in_values), "output": seasonality(out_values)}

    return {
        "reporter": params.reporter,
        "partner": params.partner,
        "processor": processor,
        "input_codes": list(params.input_codes),
        "output_codes": list(params.output_codes),
        "records": len(pair),
        "codes": _code_labels(pair),
        "flows": flows,
        "ratios": ratios,
        "lag": lag,
        "unit_values": unit_values(pair, params.anomaly_threshold),
        "seasonality": season,
        "surges": find_surges(pair, params.monthly_surge, params.yearly_surge),
        "sanction_flags": sanction_flags(pair, processor),
        "exposure": (exp := exposure(all_records, params.reporter if processor != params.reporter else params.partner,
                                     processor, params.output_codes))["by_destination"],
        "exposure_shares": exp["shares"],
        "rules": {
            "surge_month": params.monthly_surge.describe("month"),
            "surge_year": params.yearly_surge.describe("year"),
            "unit_value_anomaly": f"|modified z| > {params.anomaly_threshold:g} within each (flow, HS code) series, "
            "z = 0.6745 (x - median) / MAD, at least 5 points, and at least 25% from the series median",
            "hierarchy": "when a code and a finer code under it are both present, only the coarser one is counted",
            "sanctions": [asdict(r) | {"rule": r.describe()} for r in SANCTION_RULES],
        },
    }


# --- reference figures beside imported statistics ---------------------------------------------

_RANGE_RE = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{2})$")
_HALF_RE = re.compile(r"^(\d{4})-H([12])$")


def reference_months(period: str) -> tuple[str, list[str]] | None:
    """("year", ["2023"]) or ("month", ["2023-01", ...]) for the period spellings in the bundled figures."""
    period = period.strip()
    if re.fullmatch(r"\d{4}", period):
        return "year", [period]
    if re.fullmatch(r"\d{4}-\d{2}", period):
        return "month", [period]
    m = _RANGE_RE.match(period)
    if m:
        year, lo, hi = m.group(1), int(m.group(2)), int(m.group(3))
        return "month", [f"{year}-{i:02d}" for i in range(lo, hi + 1)]
    m = _HALF_RE.match(period)
    if m:
        start = 1 if m.group(2) == "1" else 7
        return "month", [f"{m.group(1)}-{i:02d}" for i in range(start, start + 6)]
    return None


def _reference_role(figure: dict[str, Any]) -> str | None:
    """Which imported series a news figure speaks about: outputs, inputs, or neither."""
    flow = (figure.get("flow") or "").upper()
    scope = (figure.get("hs_scope") or "").lower()
    hairy = any(w in scope for w in ("6704", "wig", "eyelash", "hair", "beard", "beauty"))
    if flow.startswith("NK->CN") and hairy:
        return "output"
    if flow.startswith("CN->NK") and ("6703" in scope or scope.startswith("processed hair")):
        return "input"
    return None


def compare_reference(figures: list[dict[str, Any]], result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each bundled figure beside the imported total for the same period and series, if any."""
    series: dict[tuple[str, str], dict[str, Any]] = {(r["granularity"], r["period"]): r for r in result.get("ratios", [])}
    pair_ok = result.get("processor") == PROCESSOR and {result.get("reporter"), result.get("partner")} == {"CN", "KP"}
    out = []
    for fig in figures:
        role = _reference_role(fig)
        periods = reference_months(fig.get("period", ""))
        imported = None
        if role and periods and pair_ok:
            gran, keys = periods
            rows = [r for k in keys if (r := series.get((gran, k)))]
            # A year counts only when all twelve months (or an annual record) are in.
            if len(rows) == len(keys) and all(r.get("months", 12) == 12 for r in rows):
                imported = sum(r["output_usd" if role == "output" else "input_usd"] for r in rows)
        try:
            reported = float(fig.get("value_usd") or "nan")
        except ValueError:
            reported = math.nan
        out.append(
            {
                "period": fig.get("period"),
                "flow": fig.get("flow"),
                "hs_scope": fig.get("hs_scope"),
                "series": role,
                "reported_usd": None if math.isnan(reported) else reported,
                "imported_usd": imported,
                "difference_pct": (
                    round(100 * (imported - reported) / reported, 1)
                    if imported is not None and reported and not math.isnan(reported)
                    else None
                ),
                "source_publisher": fig.get("source_publisher"),
                "source_url": fig.get("source_url"),
            }
        )
    return out
