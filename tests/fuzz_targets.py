"""The fuzz targets: every importer and parser, one registry entry each.

Used by tests/test_fuzz.py (a few examples per target, in CI) and benchmarks/fuzz.py
(10,000+ per target). A new importer is one `Target(...)` in TARGETS: a name, the file
suffix, a strategy for its input bytes, the store it needs, and the app-layer call.

`check` runs one input and classifies it: "ok", "user" (the project's one-line user
error) or "crash" (any other exception, a message over one line, or over the time limit).
"""

from __future__ import annotations

import signal
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

import fuzz_inputs as fi

TIME_LIMIT_S = 5.0


@dataclass(frozen=True)
class Target:
    name: str
    suffix: str
    inputs: Callable[[], st.SearchStrategy[bytes]]
    run: Callable[[Context, Path, int], object]
    store: str = "lists"  # "lists" (no reference data), "graph" (reference data), "screen" (prepared index)
    cli: Callable[[Path, int], list[str]] | None = None  # argv after `tollwatch --db URL`


class Context:
    """Stores for the targets, opened on first use under one folder; `recycle` starts a fresh one."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._stores: dict[str, object] = {}
        self._prepared = None
        self._source_id: str | None = None
        self._n = 0

    def url(self, kind: str) -> str:
        return f"sqlite:///{self.folder / f'{kind}-{self._n}.db'}"

    def store(self, kind: str):
        if kind not in self._stores:
            from tollwatch.app.evidence import open_store

            self._stores[kind] = open_store(self.url(kind), load_reference=kind != "lists")
        return self._stores[kind]

    def prepared(self):
        if self._prepared is None:
            from tollwatch.app.screening import prepare

            self._prepared = prepare(self.store("screen"))
        return self._prepared

    def source_id(self) -> str:
        if self._source_id is None:
            from tollwatch.app.evidence import add_source, make_source

            src = make_source("Fuzz source text about the Hoeryong camp.", title="fuzz source", kind="news")
            self._source_id = add_source(self.store("graph"), src, "fuzz").id
        return self._source_id

    def warm(self, target: Target) -> None:
        """Open the target's store (and prepare the screening index) before any input is timed."""
        self.store(target.store)
        if target.store == "screen":
            self.prepared()

    def recycle(self, kind: str) -> None:
        """Drop a store that has grown (ingest and claims keep what they store)."""
        s = self._stores.pop(kind, None)
        if s is not None:
            s.close()
            self._n += 1
            if kind == "graph":
                self._source_id = None

    def close(self) -> None:
        for s in self._stores.values():
            s.close()
        self._stores.clear()


# --- the app-layer calls (a new importer: a function here, or _import_list("its-format"), and one Target) --------------------------------------------------------------------


def _import_list(fmt: str, dataset: str | None = None):
    def run(ctx: Context, path: Path, variant: int):
        from tollwatch.app.lists import import_files

        return import_files(ctx.store("lists"), "fuzz", fmt, [path], dataset, None, force=True)
    return run


def _list_cli(fmt: str):
    datasets = [None, "tollwatch", "Bad Name", "fuzz_list", "", "../x", "un_sc_sanctions"]

    def argv(path: Path, variant: int) -> list[str]:
        ds = datasets[variant % len(datasets)]
        extra = ["--snapshot-date", ["2024-13-45", "2024", "x"][variant % 3]] if variant % 5 == 4 else []
        return ["lists", "import", "--format", fmt, *(["--dataset", ds] if ds is not None else []), *extra, "--force", str(path)]
    return argv


def _screen(ctx: Context, path: Path, variant: int):
    from tollwatch.engines.local import run

    fmt = ("jsonl", "csv", "xlsx", "html")[variant % 4]
    return run(ctx.prepared(), path, path.with_name(path.stem + "-out." + fmt), fmt, progress=False)


def _screen_cli(path: Path, variant: int) -> list[str]:
    fmt = ("jsonl", "csv", "xlsx", "html")[variant % 4]
    return ["screen", str(path), "--format", fmt, "-o", str(path.with_name(path.stem + "-cli." + fmt))]


def _trade(ctx: Context, path: Path, variant: int):
    from tollwatch.app.trade import import_file

    return import_file(ctx.store("lists"), "fuzz", path, ("auto", "comtrade", "csv")[variant % 3])


def _claims(ctx: Context, path: Path, variant: int):
    from tollwatch.app.evidence import add_claims_from_jsonl

    raw = path.read_bytes().replace(b"SOURCE", ctx.source_id().encode())
    path.write_bytes(raw)
    return add_claims_from_jsonl(ctx.store("graph"), path, "fuzz")


def _ingest(ctx: Context, path: Path, variant: int):
    from tollwatch.app.ingest import IngestOptions, ingest

    options = IngestOptions(date=[None, "2024-01", "2024-13", "x"][variant % 4], sensitivity=["public", "confidential", "secret"][variant % 3])
    return ingest(ctx.store("graph"), path, "fuzz", options)


def _ftm_import(ctx: Context, path: Path, variant: int):
    from tollwatch.app.export import import_graph

    return import_graph(ctx.store("graph"), path, "fuzz")


def _path_cli(*words: str):
    return lambda path, variant: [*words, str(path)]


def _ftm_inputs():
    return fi.seeded((fi.ftm_seed(),)) | fi.json_lines_like(fi.FTM_LINES)


def _screen_inputs(kind: str):
    seeds = fi.screen_seeds()
    if kind == "xlsx":
        return fi.seeded(seeds["xlsx"], zipped=True) | fi.xlsx_garbage()
    if kind == "parquet":
        return fi.seeded(seeds["parquet"]) | fi.parquet_garbage()
    if kind == "jsonl":
        import json

        lines = [json.loads(x) for x in seeds["jsonl"][0].splitlines()]
        return fi.seeded(seeds["jsonl"]) | fi.json_lines_like(lines)
    header = seeds["csv"][0].decode().splitlines()[0].split(",")
    return fi.seeded(seeds["csv"]) | fi.csv_rows_odd(header)


def _sheet_inputs(seeds: tuple[bytes, ...], header: list[str]):
    """A list workbook: the seed with a part mutated, or the list's header over rows of odd cells."""
    return fi.seeded(seeds, zipped=True) | fi.xlsx_garbage() | fi.xlsx_rows_odd(header)


def _ingest_inputs(kind: str):
    seeds = fi.ingest_seeds()[kind]
    zipped = kind == "docx"
    return fi.seeded(seeds, zipped=zipped) | fi.text_garbage() | (fi.xml_odd(seeds[0]) if kind == "html" else st.nothing())


TARGETS: list[Target] = [
    Target("ofac-csv", "sdn.csv", lambda: fi.seeded(fi.ofac_csv_seeds()), _import_list("ofac-csv"), cli=_list_cli("ofac-csv")),
    Target("ofac-xml", ".xml", lambda: fi.seeded((fi.OFAC_XML,)) | fi.xml_odd(fi.OFAC_XML), _import_list("ofac-xml"), cli=_list_cli("ofac-xml")),
    Target("un-xml", ".xml", lambda: fi.seeded(fi.un_xml_seeds()) | fi.xml_odd(fi.un_xml_seeds()[0]), _import_list("un-xml"), cli=_list_cli("un-xml")),
    Target("uk-ofsi", ".csv", lambda: fi.seeded(fi.uk_ofsi_seeds()), _import_list("uk-ofsi"), cli=_list_cli("uk-ofsi")),
    Target("uk-ofsi-xlsx", ".xlsx", lambda: _sheet_inputs(fi.uk_ofsi_xlsx_seeds(), fi.uk_ofsi_header()), _import_list("uk-ofsi"), cli=_list_cli("uk-ofsi")),
    Target("au-dfat", ".xlsx", lambda: _sheet_inputs(fi.au_dfat_seeds(), fi.AU_HEADER), _import_list("au-dfat"), cli=_list_cli("au-dfat")),
    Target("eu-fsf", ".xml", lambda: fi.seeded(fi.eu_fsf_seeds()) | fi.xml_odd(fi.eu_fsf_seeds()[0]), _import_list("eu-fsf"), cli=_list_cli("eu-fsf")),
    Target("list-csv", ".csv", lambda: fi.seeded((fi.LIST_CSV,)) | fi.csv_rows_odd(["id", "name", "schema", "country", "alias"]), _import_list("csv", "fuzz_list"), cli=_list_cli("csv")),
    Target("list-ftm", ".jsonl", _ftm_inputs, _import_list("ftm"), cli=_list_cli("ftm")),
    Target("ftm-import", ".jsonl", _ftm_inputs, _ftm_import, store="graph", cli=_path_cli("import")),
    Target("screen-csv", ".csv", lambda: _screen_inputs("csv"), _screen, store="screen", cli=_screen_cli),
    Target("screen-tsv", ".tsv", lambda: _screen_inputs("csv").map(lambda b: b.replace(b",", b"\t")), _screen, store="screen", cli=_screen_cli),
    Target("screen-jsonl", ".jsonl", lambda: _screen_inputs("jsonl"), _screen, store="screen", cli=_screen_cli),
    Target("screen-json", ".json", lambda: _screen_inputs("jsonl"), _screen, store="screen", cli=_screen_cli),
    Target("screen-parquet", ".parquet", lambda: _screen_inputs("parquet"), _screen, store="screen", cli=_screen_cli),
    Target("screen-xlsx", ".xlsx", lambda: _screen_inputs("xlsx"), _screen, store="screen", cli=_screen_cli),
    Target("trade-csv", ".csv", lambda: fi.seeded(fi.trade_seeds()) | fi.csv_rows_odd(["period", "reporter", "partner", "flow", "hs", "value_usd", "net_kg"]), _trade, cli=_path_cli("trade", "import")),
    Target("claims-jsonl", ".jsonl", lambda: fi.seeded(fi.claims_seeds()) | fi.json_lines_like([__import__("json").loads(x) for x in fi.claims_seeds()[0].splitlines()]), _claims, store="graph"),
    Target("ingest-txt", ".txt", lambda: _ingest_inputs("txt"), _ingest, store="graph", cli=_path_cli("ingest")),
    Target("ingest-html", ".html", lambda: _ingest_inputs("html"), _ingest, store="graph", cli=_path_cli("ingest")),
    Target("ingest-pdf", ".pdf", lambda: _ingest_inputs("pdf"), _ingest, store="graph", cli=_path_cli("ingest")),
    Target("ingest-docx", ".docx", lambda: _ingest_inputs("docx"), _ingest, store="graph", cli=_path_cli("ingest")),
]
BY_NAME = {t.name: t for t in TARGETS}


# --- one input ------------------------------------------------------------------------------


class FuzzTimeout(BaseException):
    """Raised by the alarm: an input that runs past the limit (a crash, like a traceback)."""


@dataclass
class Outcome:
    kind: str  # ok, user, crash
    seconds: float
    detail: str = ""
    site: str = ""  # where a crash happened: exception type and the innermost tollwatch frame
    extra: dict = field(default_factory=dict)


def _on_alarm(signum, frame):
    raise FuzzTimeout(f"over {TIME_LIMIT_S} s")


def crash_site(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/tollwatch/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def check(target: Target, ctx: Context, data: bytes, variant: int = 0, limit: float = TIME_LIMIT_S) -> Outcome:
    """Run one input through the target's app-layer call and classify what happened."""
    from tollwatch.app.errors import USER_ERRORS

    with tempfile.TemporaryDirectory(dir=ctx.folder) as tmp:
        path = Path(tmp) / ("fuzz" + target.suffix if target.suffix.startswith(".") else target.suffix)
        path.write_bytes(data)
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit, 1.0)  # again each second: an alarm raised inside a gc callback is swallowed
        start = time.perf_counter()
        try:
            target.run(ctx, path, variant)
            kind, detail, site = "ok", "", ""
        except USER_ERRORS as exc:
            text = str(exc)
            bad = "\n" in text or not text.strip()
            kind, detail, site = ("crash" if bad else "user"), text, (f"multi-line {type(exc).__name__}" if bad else "")
        except (Exception, FuzzTimeout) as exc:
            kind, detail, site = "crash", "".join(traceback.format_exception(exc))[-3000:], crash_site(exc)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
        seconds = time.perf_counter() - start
    if kind != "crash" and seconds > limit:
        kind, site = "crash", f"slow ({seconds:.1f} s)"
    return Outcome(kind, seconds, detail, site)


def check_cli(target: Target, folder: Path, data: bytes, variant: int = 0) -> tuple[int, str]:
    """The same input through `tollwatch`: exit 0, or exit 2 with one line and no traceback."""
    from click.testing import CliRunner

    from tollwatch.cli.main import cli

    assert target.cli is not None
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / ("fuzz" + target.suffix if target.suffix.startswith(".") else target.suffix)
        path.write_bytes(data)
        db = f"sqlite:///{folder / ('cli-' + target.store + '.db')}"
        result = CliRunner().invoke(cli, ["--db", db, "--actor", "fuzz", *target.cli(path, variant)])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            return -1, "".join(traceback.format_exception(result.exception))[-3000:]
        return result.exit_code, result.stderr
