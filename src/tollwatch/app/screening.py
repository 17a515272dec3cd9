"""Screening use cases shared by the CLI, the Python API and the engines.

Lists live in the store beside the evidence graph (dataset = list name). The bundled
OFAC and UN snapshots are imported on first use of screening, not at `init`. The
prepared index (names + risk facts) is built from the store and cached on disk keyed
by a fingerprint of everything it depends on, as memory-mapped arrays (app.index_cache),
so the second run starts in a second and processes on one host share one copy.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tollwatch.app import index_cache
from tollwatch.app.list_freshness import needs_bundle, older_snapshot_error
from tollwatch.app.resolution import profile_map
from tollwatch.core.errors import InputError
from tollwatch.core.listing import listing_details
from tollwatch.core.matching import DEFAULT_THRESHOLD, MatchIndex, Matcher, Record
from tollwatch.core.query_facts import record_facts
from tollwatch.app.risk_facts import risk_facts
from tollwatch.core.model import Entity, EntityKind, ModelError, ReviewStatus, Sensitivity, parse_date
from tollwatch.core.risk import RiskFacts
from tollwatch.engines.local import fold_profiles
from tollwatch.importers.list_bundle import preparsed
from tollwatch.importers.lists import AU_DATASET, EU_DATASET, OFAC_DATASET, UK_DATASET, UN_DATASET, ImportReport, read_list
from tollwatch.store import lists as store_lists
from tollwatch.store.index_inputs import index_inputs
from tollwatch.store.repository import Store, Txn

BUNDLE_META_KEY = "lists_bundle_sha256"
BUNDLED = {
    OFAC_DATASET: ("ofac-csv", ["ofac_sdn.csv.gz", "ofac_alt.csv.gz", "ofac_add.csv.gz"]),
    UN_DATASET: ("un-xml", ["un_sc.xml.gz"]),
    UK_DATASET: ("uk-ofsi", ["uk_ofsi.csv.gz"]),
}
# The manifest inputs each bundled dataset is made of; the first one dates the list.
_BUNDLED_INPUTS = {OFAC_DATASET: ("ofac_sdn", "ofac_alt", "ofac_add"), UN_DATASET: ("un_sc",), UK_DATASET: ("uk_ofsi",)}
# Where `tollwatch lists update` fetches current lists; overridable per dataset.
OFFICIAL_URLS = {
    OFAC_DATASET: (
        "ofac-csv",
        [
            "https://www.treasury.gov/ofac/downloads/sdn.csv",
            "https://www.treasury.gov/ofac/downloads/alt.csv",
            "https://www.treasury.gov/ofac/downloads/add.csv",
        ],
    ),
    UN_DATASET: ("un-xml", ["https://scsanctions.un.org/resources/xml/en/consolidated.xml"]),
    UK_DATASET: ("uk-ofsi", ["https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv"]),
    AU_DATASET: ("au-dfat", ["https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx"]),
    EU_DATASET: ("eu-fsf", ["https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw"]),
}
SCREENABLE_KINDS = {EntityKind.FACILITY, EntityKind.ORGANIZATION, EntityKind.PERSON, EntityKind.VESSEL}
_KIND_SCHEMA = {"facility": "Organization", "organization": "Organization", "person": "Person", "vessel": "Vessel"}


# --- lists in the store -------------------------------------------------------------------


def import_list(store: Store, fmt: str, paths: list[Path], dataset: str | None = None, actor: str = "cli", snapshot_date: str | None = None, extra_meta: dict | None = None, *, force: bool = False, default_date: str | None = None) -> ImportReport:
    """One transaction: a bad record anywhere, or an older snapshot over a newer one (unless
    `force`), and the previous snapshot stays as it was. `default_date` dates a file that
    does not date itself (a download's Last-Modified); `snapshot_date` overrides the file's."""
    report, entities = _open_list(fmt, paths, dataset, snapshot_date, default_date)
    with store.begin(actor) as tx:
        tx.lock(store_lists.META_PREFIX + report.dataset)
        previous = store_lists.dataset_metadata(tx, report.dataset)
        _refuse_older(report, previous, force)
        _replace_list(tx, report, entities, paths, snapshot_date, default_date, extra_meta)
        _refuse_older(report, previous, force)
    return report


def _open_list(fmt: str, paths: list[Path], dataset: str | None, snapshot_date: str | None, default_date: str | None) -> tuple[ImportReport, Iterator[Entity]]:
    """The report and the records; the first record is read, so the report knows its dataset and date."""
    report, entities = read_list(fmt, paths, dataset)
    first = next(entities, None)  # an FtM file names its dataset in its first entity
    if first is not None:
        report.dataset = first.dataset
        entities = itertools.chain([first], entities)
    report.snapshot_date = _real_snapshot_date(snapshot_date or report.snapshot_date or default_date, paths)
    return report, entities


def _real_snapshot_date(value: str | None, paths: list[Path]) -> str | None:
    """A list's date, given or read from its file, must be on the calendar (2024-02-30 is refused)."""
    try:
        return parse_date(value, "snapshot_date")
    except ModelError as exc:
        raise InputError(exc.message, path=str(paths[0]) if paths else None, field="snapshot_date") from None


def _refuse_older(report: ImportReport, previous: dict | None, force: bool) -> None:
    error = None if force else older_snapshot_error(report.dataset, report.snapshot_date, previous)
    if error is not None:
        raise error


def _replace_list(tx: Txn, report: ImportReport, entities: Iterator[Entity], paths: list[Path], snapshot_date: str | None, default_date: str | None, extra_meta: dict | None) -> None:
    store_lists.replace_dataset(tx, report.dataset, entities, None)
    # An OFAC XML file may date itself after its records: check the date it ends with too.
    report.snapshot_date = _real_snapshot_date(snapshot_date or report.snapshot_date or default_date, paths)
    if report.count == 0:
        why = f" ({len(report.skipped)} skipped; the first: {report.skipped[0]})" if report.skipped else ""
        raise InputError(f"no records found{why}", path=str(paths[0]))
    meta = {**report.meta(), **(extra_meta or {})}
    tx.set_meta(store_lists.META_PREFIX + report.dataset, json.dumps(meta, ensure_ascii=False))


def bundled_digest(datasets: list[str] | None = None) -> str:
    """What the bundled list files are (per dataset when named): a new bundle reloads bundled lists."""
    from tollwatch.importers.reference import manifest

    files = manifest()["files"]
    h = hashlib.sha256()
    for ds, (_, names) in sorted(BUNDLED.items()):
        if datasets is not None and ds not in datasets:
            continue
        for n in names:
            h.update(f"{n}={files.get(n)}\n".encode())
    return h.hexdigest()


def ensure_default_lists(store: Store, actor: str = "tollwatch-lists") -> bool:
    """Load each bundled snapshot where its dataset has no list (or an earlier bundle); never over an import."""
    digest = bundled_digest()
    if store.get_meta(BUNDLE_META_KEY) == digest:
        return False
    loaded = [_load_bundled(store, dataset, actor) for dataset in BUNDLED]
    with store.begin(actor) as tx:
        tx.set_meta(BUNDLE_META_KEY, digest)
    return any(loaded)


def _load_bundled(store: Store, dataset: str, actor: str) -> bool:
    """One bundled snapshot, decided and loaded in one transaction (an import meanwhile wins)."""
    from tollwatch.importers.reference import data_path, manifest

    digest = bundled_digest([dataset])
    if not needs_bundle(loaded_lists(store).get(dataset), digest):
        return False
    fmt, names = BUNDLED[dataset]
    paths = [Path(str(data_path(n))) for n in names]
    inputs = manifest()["inputs"]
    keys = _BUNDLED_INPUTS[dataset]
    extra = {"origin": inputs[keys[0]]["origin"], "bundled": True, "bundle_sha256": digest}
    if len(keys) > 1:
        extra["snapshot_dates"] = {k: inputs[k]["snapshot_date"] for k in keys}
    ready = preparsed(dataset, {n: manifest()["files"].get(n) for n in names})
    if ready is None:  # no pre-parsed rows for these files and this code: read the files
        report, entities = _open_list(fmt, paths, dataset, inputs[keys[0]]["snapshot_date"], None)
    with store.begin(actor) as tx:
        tx.lock(store_lists.META_PREFIX + dataset)
        if not needs_bundle(store_lists.dataset_metadata(tx, dataset), digest):
            return False
        if ready is None:
            _replace_list(tx, report, entities, paths, report.snapshot_date, None, extra)
        else:
            store_lists.replace_dataset_grouped(tx, dataset, ready[1])
            tx.set_meta(store_lists.META_PREFIX + dataset, json.dumps({**ready[0].meta(), **extra}, ensure_ascii=False))
    return True


def loaded_lists(store: Store) -> dict[str, dict]:
    with store.read(max_sensitivity=Sensitivity.PUBLIC) as r:
        return store_lists.list_metadata(r)


def fetch_lists(store: Store, urls: dict[str, tuple[str, list[str]]] | None = None, actor: str = "cli", timeout: float = 120.0, *, force: bool = False) -> list[ImportReport]:
    """Download each list's files, then import; a failed download leaves the store as it was.

    A file that dates itself keeps its date; the server's Last-Modified dates the others."""
    import httpx

    urls = urls or OFFICIAL_URLS
    reports = []
    for dataset, (fmt, links) in urls.items():
        tmp = Path(tempfile.mkdtemp(prefix="tollwatch-lists-"))
        try:
            paths: list[Path] = []
            last_modified = None
            for url in links:
                name = _file_name(url, [p.name for p in paths])
                target = tmp / name
                with httpx.stream("GET", url, timeout=timeout, follow_redirects=True) as resp:
                    if resp.status_code != 200:
                        raise InputError(f"HTTP {resp.status_code}", path=url, field="url")
                    last_modified = last_modified or resp.headers.get("last-modified")
                    with open(target, "wb") as fh:
                        for chunk in resp.iter_bytes():
                            fh.write(chunk)
                paths.append(target)
            snapshot = _http_date(last_modified)
            report = import_list(store, fmt, paths, dataset, actor, default_date=snapshot, extra_meta={"fetched_from": links}, force=force)
            reports.append(report)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return reports


def _file_name(url: str, taken: list[str]) -> str:
    """A safe local name for a download: the URL's last path part, without its query (the EU's is `content?token=...`)."""
    from urllib.parse import urlsplit

    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    safe = "".join(ch for ch in last if ch.isalnum() or ch in "._-")[:100].lstrip(".")
    safe = safe or "list"
    return safe if safe not in taken else f"{len(taken)}-{safe}"


def _http_date(value: str | None) -> str | None:
    from datetime import UTC, datetime
    from email.utils import parsedate_to_datetime

    if value:
        try:
            return parsedate_to_datetime(value).date().isoformat()
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC).date().isoformat()


# --- the prepared index -------------------------------------------------------------------


@dataclass
class Prepared:
    """Everything a screening worker needs, picklable: broadcast it to Spark as is (the index pickles its arrays)."""

    index: MatchIndex
    facts: RiskFacts
    lists: dict[str, dict] = field(default_factory=dict)
    threshold: float = DEFAULT_THRESHOLD
    profiles: dict[str, str] = field(default_factory=dict)  # member id -> canonical id of its profile (app.resolution)

    def matcher(self, threshold: float | None = None, weights: dict[str, float] | None = None) -> Matcher:
        """`weights`: core.features.resolve_weights' result (a request's yente `weights`)."""
        return Matcher(self.index, self.threshold if threshold is None else threshold, weights)


@functools.cache
def _code_digest() -> str:
    """The matcher's code, read once per process (code does not change under a running process)."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent
    # The name dictionaries (core/data/*.tsv) shape the index's tokens as much as the code does.
    for p in sorted([*(here / "core" / "names").glob("*.py"), *(here / "core" / "data").glob("*.tsv"), *(here / "core" / m for m in ("matching.py", "match_types.py", "loan_match.py", "scoring.py", "name_tokens.py", "features.py", "query_facts.py", "listing.py")), here / "core" / "risk.py", here / "core" / "catalogue.py", Path(__file__)]):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def _fingerprint(store: Store) -> str:
    """What `build_prepared` reads, digested: a change outside it (an ingest that only proposes)
    keeps the index, so `/match` does not wait for a rebuild after every upload."""
    h = hashlib.sha256(_code_digest().encode())
    with store.engine.connect() as conn:
        for row in index_inputs(conn):
            h.update(json.dumps(row, default=str).encode())
    return h.hexdigest()[:24]


def cache_dir() -> Path:
    env = os.environ.get("TOLLWATCH_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tollwatch", appauthor=False))


def prepare(store: Store, *, use_cache: bool = True) -> Prepared:
    """The index over every list plus the evidence graph; `--list` filters at query time."""
    return prepare_keyed(store, use_cache=use_cache)[0]


def prepare_keyed(store: Store, *, use_cache: bool = True) -> tuple[Prepared, str]:
    """`prepare`, with the fingerprint taken before the build (a write during it is seen next time)."""
    ensure_default_lists(store)
    key = _fingerprint(store)
    path = cache_dir() / "screening" / f"index-{key}"
    if use_cache and path.is_dir():
        try:
            return index_cache.load(path, Prepared), key
        except Exception:  # noqa: BLE001 - a broken cache is rebuilt, never trusted
            index_cache.remove(path)
    prepared = build_prepared(store)
    if use_cache:
        # Keep a few recent indexes (several stores may share the cache); drop the rest.
        olds = sorted(path.parent.glob("index-*"), key=_mtime, reverse=True) if path.parent.is_dir() else []
        for old in olds[3:]:
            index_cache.remove(old)
        index_cache.save(prepared, path)
    return prepared, key


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0


_risk_facts = risk_facts  # the name tests and older callers use


def build_prepared(store: Store) -> Prepared:
    lists_meta = loaded_lists(store)
    records: list[Record] = []
    with store.read(max_sensitivity=Sensitivity.PUBLIC) as r:
        # Only datasets imported as lists: other collections in the store are not sanctions lists.
        for e in store_lists.list_entities(r, list(lists_meta)):
            meta = lists_meta.get(e.dataset, {})
            ident = next((i.value for i in e.identifiers if i.scheme == e.dataset), e.id)
            records.append(
                Record(
                    entity_id=e.id,
                    dataset=e.dataset,
                    source_id=ident,
                    caption=e.caption,
                    schema=e.attributes.get("schema") or _KIND_SCHEMA.get(e.kind.value, "Organization"),
                    names=tuple(e.all_names()),
                    info={
                        "program": e.attributes.get("program") or [],
                        "country": e.attributes.get("country") or [],
                        "snapshot_date": meta.get("snapshot_date"),
                        "kind": e.kind.value,
                        **record_facts(e.attributes, [(i.scheme, i.value) for i in e.identifiers], e.dataset),
                        **listing_details(e.attributes),
                    },
                )
            )
        facts = risk_facts(r)
        # An entity proposed by extraction is screened against once an accepted claim uses it.
        graph = [e for e in r.list_entities(dataset="tollwatch") if e.kind in SCREENABLE_KINDS and (not e.is_new or e.id in facts.entity_claims)]
        for e in graph:
            records.append(
                Record(
                    entity_id=e.id,
                    dataset="tollwatch",
                    source_id=e.id,
                    caption=e.caption,
                    schema=_KIND_SCHEMA.get(e.kind.value, "Organization"),
                    names=tuple(e.all_names()),
                    info={
                        "kind": e.kind.value,
                        "facility_type": e.attributes.get("facility_type"),
                        "allegation": bool(e.attributes.get("allegation")),
                        "country": list(e.attributes.get("country") or []),
                    },
                )
            )
        profiles = profile_map(r)  # judged at public clearance: a hidden record joins no public slot
    _add_restricted_names(store, records)
    return Prepared(index=MatchIndex(records), facts=facts, lists=lists_meta, profiles=profiles)


def _add_restricted_names(store: Store, records: list[Record]) -> None:
    """Names above public join their graph records, each marked with its sensitivity, so one
    shared index serves every reader; `app.visibility.VisibleMatcher` hides them by clearance."""
    graph = {rec.entity_id: rec for rec in records if rec.dataset == "tollwatch"}
    with store.read(max_sensitivity=Sensitivity.CONFIDENTIAL) as r:
        for e in r.entities(graph).values():
            marked = {n.value: n.sensitivity.value for n in e.names if n.sensitivity != Sensitivity.PUBLIC and n.value not in graph[e.id].names}
            if marked:
                rec = graph[e.id]
                rec.names = (*rec.names, *marked)
                rec.info["name_sensitivity"] = marked


# --- one-off queries (Python API) ---------------------------------------------------------


def match_one(prepared: Prepared, query: str, schema: str | None = None, *, lists: list[str] | None = None, limit: int = 5, threshold: float | None = None) -> list[dict]:
    matcher = prepared.matcher(threshold)
    datasets = frozenset(lists) if lists else None
    found = [m.as_dict() for m in matcher.match(query, schema, limit=limit + 5, datasets=datasets)]
    return fold_profiles(found, prepared.profiles)[:limit]
