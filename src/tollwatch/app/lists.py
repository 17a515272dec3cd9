"""Sanctions lists: show what is loaded, import files, update from the official (or configured) URLs.

The list machinery lives in app.screening (lists are screened against); these are the
use cases a user calls, with download failures and bad `--url` settings turned into one
line naming the field.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from tollwatch.app.list_freshness import max_list_age, source_label, stale_list_warnings
from tollwatch.app.screening import OFFICIAL_URLS, ensure_default_lists, fetch_lists, import_list, loaded_lists
from tollwatch.core.errors import InputError
from tollwatch.core.model import parse_date
from tollwatch.importers.lists import ImportReport
from tollwatch.store.repository import Store

SHOWN = ("dataset", "source", "snapshot_date", "count", "skipped", "source_files", "imported_at")


def show_lists(store: Store) -> list[dict]:
    """One row per loaded dataset (the bundled snapshots fill in datasets nothing was imported into)."""
    ensure_default_lists(store)
    return [
        {
            "dataset": ds,
            "source": source_label(m),
            "snapshot_date": m.get("snapshot_date"),
            "count": m.get("count"),
            "skipped": m.get("skipped"),
            "source_files": ", ".join(m.get("source_files") or []),
            "imported_at": m.get("imported_at"),
        }
        for ds, m in loaded_lists(store).items()
    ]


def stale_warnings(lists: dict[str, dict], max_age_days: int | None = None, today: date | None = None) -> list[str]:
    """One warning line per list older than the allowed age (the option, TOLLWATCH_MAX_LIST_AGE, or 30 days)."""
    return stale_list_warnings(lists, today or datetime.now(UTC).date(), max_list_age(max_age_days))


def import_files(store: Store, actor: str, list_format: str, files: list[Path], dataset: str | None = None,
                 snapshot_date: str | None = None, *, force: bool = False) -> ImportReport:
    """Replace the dataset's snapshot with these files, in one transaction; an older snapshot needs `force`."""
    parse_date(snapshot_date, "snapshot-date")
    return import_list(store, list_format, list(files), dataset, actor, snapshot_date=snapshot_date, force=force)


def update_config(urls: list[str], only: list[str]) -> dict[str, tuple[str, list[str]]]:
    """Where each dataset is fetched from: the official URLs, overridden by `DATASET=URL[,URL...]` items."""
    config = dict(OFFICIAL_URLS)
    for item in urls:
        ds, sep, links = item.partition("=")
        if not sep or ds not in config and ds not in OFFICIAL_URLS:
            raise InputError(f"--url expects DATASET=URL with DATASET one of {', '.join(OFFICIAL_URLS)}, got {item!r}", field="url")
        config[ds] = (config[ds][0], [u.strip() for u in links.split(",") if u.strip()])
    if only:
        config = {k: v for k, v in config.items() if k in only}
    return config


def update_lists(store: Store, actor: str, config: dict[str, tuple[str, list[str]]], *, force: bool = False) -> list[ImportReport]:
    """Download and import each configured list; a failed download is one InputError and changes nothing."""
    try:
        return fetch_lists(store, config, actor, force=force)
    except OSError as exc:
        raise InputError(f"download failed: {exc}", field="url") from None
    except Exception as exc:  # httpx errors: one clear line
        if type(exc).__module__.startswith("httpx"):
            raise InputError(f"download failed: {exc}", field="url") from None
        raise


__all__ = ["SHOWN", "ImportReport", "import_files", "max_list_age", "show_lists", "stale_warnings", "update_config", "update_lists"]
