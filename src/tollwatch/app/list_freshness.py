"""How current a sanctions list is: which snapshot wins, and when one is too old to trust.

Pure functions over list metadata (the `list:<dataset>` records of store/lists.py) and a
date passed in, so the rules are tested with a fixed "today". The use cases in
app/screening.py and app/lists.py apply them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date

from tollwatch.core.errors import InputError

DEFAULT_MAX_AGE_DAYS = 30
MAX_AGE_ENV = "TOLLWATCH_MAX_LIST_AGE"


def is_bundled(meta: Mapping | None) -> bool:
    return bool(meta and meta.get("bundled"))


def needs_bundle(meta: Mapping | None, bundle_digest: str) -> bool:
    """Load a bundled snapshot only where the dataset has no list, or holds an earlier bundle.

    An imported or fetched list is the user's choice and is never replaced by the bundle."""
    if meta is None:
        return True
    return is_bundled(meta) and meta.get("bundle_sha256") != bundle_digest


def older_snapshot_error(dataset: str, new_date: str | None, previous: Mapping | None) -> InputError | None:
    """The refusal for replacing a newer snapshot with an older one (None when allowed)."""
    old_date = (previous or {}).get("snapshot_date")
    if not new_date or not old_date or new_date >= old_date:
        return None
    return InputError(
        f"{dataset}: the snapshot of {new_date} is older than the one in the store ({old_date}, {source_label(previous)}); "
        "use --force to replace it",
        field="snapshot_date",
    )


def source_label(meta: Mapping | None) -> str:
    """Where a list came from, for people: "bundled", the URLs it was fetched from, or its files."""
    meta = meta or {}
    if is_bundled(meta):
        return "bundled"
    return ", ".join(meta.get("fetched_from") or meta.get("source_files") or []) or "unknown"


def max_list_age(days: int | None = None, env: Mapping[str, str] | None = None) -> int:
    """The option's value, else TOLLWATCH_MAX_LIST_AGE, else 30 days."""
    if days is not None:
        return _checked_age(days, "max-list-age")
    raw = (os.environ if env is None else env).get(MAX_AGE_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_AGE_DAYS
    try:
        return _checked_age(int(raw), MAX_AGE_ENV)
    except ValueError:
        raise InputError(f"expected a whole number of days, got {raw!r}", field=MAX_AGE_ENV) from None


def _checked_age(days: int, field_name: str) -> int:
    if days < 0:
        raise InputError(f"expected zero or more days, got {days}", field=field_name)
    return days


def list_age_days(meta: Mapping, today: date) -> int | None:
    """Days since the list's snapshot date; None when it has no (readable) date."""
    try:
        return (today - date.fromisoformat(str(meta.get("snapshot_date"))[:10])).days
    except ValueError:
        return None


def stale_list_warnings(lists: Mapping[str, Mapping], today: date, max_age_days: int) -> list[str]:
    """One line per list older than `max_age_days` (or undated), naming the dataset and its date."""
    out = []
    for dataset, meta in sorted(lists.items()):
        age = list_age_days(meta, today)
        if age is None:
            out.append(f"warning: list {dataset} has no snapshot date; it may be out of date")
        elif age > max_age_days:
            out.append(
                f"warning: list {dataset} is a snapshot of {meta.get('snapshot_date')}, {age} days old "
                f"(more than {max_age_days}); run `tollwatch lists update`"
            )
    return out


def freshness_now(lists: Mapping[str, Mapping], max_age_days: int | None = None) -> dict[str, dict]:
    """`with_freshness` as of today (UTC), the age limit resolved as `max_list_age` does."""
    from datetime import UTC, datetime

    return with_freshness(lists, datetime.now(UTC).date(), max_list_age(max_age_days))


def with_freshness(lists: Mapping[str, Mapping], today: date, max_age_days: int) -> dict[str, dict]:
    """Each list's metadata plus `age_days`, `max_age_days` and `stale`, for outputs to name
    (an undated list counts as stale: nobody can tell how current it is)."""
    out = {}
    for dataset, meta in lists.items():
        age = list_age_days(meta, today)
        out[dataset] = {**meta, "age_days": age, "max_age_days": max_age_days, "stale": age is None or age > max_age_days}
    return out


__all__ = [
    "DEFAULT_MAX_AGE_DAYS",
    "MAX_AGE_ENV",
    "is_bundled",
    "list_age_days",
    "max_list_age",
    "needs_bundle",
    "older_snapshot_error",
    "source_label",
    "stale_list_warnings",
    "freshness_now",
    "with_freshness",
]
