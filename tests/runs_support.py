"""A small generated list and supplier book, and list deltas (adds, removes, renamed aliases).

The store skips the bundled lists (their import is the slow part) by marking the bundle as
handled; every list here is generated, so a test can change it at will.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

PLACES = ["Dandong", "Hunchun", "Yanji", "Qingdao", "Shenyang", "Dalian", "Tumen", "Ningbo", "Pyongyang", "Nampo", "Sinuiju", "Wonsan"]
STEMS = ["Huaxin", "Jinhui", "Hengda", "Xinyuan", "Ruifeng", "Tianli", "Haoyang", "Minghua", "Kumsong", "Ryugyong", "Chongbong", "Sobaeksu", "Mirim", "Taesong", "Kwangmyong", "Songi"]
TRADES = ["Trading", "Hair Products", "Seafood", "Mining", "Shipping", "Garment", "Machinery", "Electronics"]
FORMS = ["Co., Ltd.", "Company Limited", "Corporation", "Group"]


def mark_bundle_handled(store) -> None:
    from tollwatch.app.screening import BUNDLE_META_KEY, bundled_digest

    with store.begin("test") as tx:
        tx.set_meta(BUNDLE_META_KEY, bundled_digest())


def generate_list(rng: random.Random, n: int) -> list[dict]:
    out, seen = [], set()
    while len(out) < n:
        name = f"{rng.choice(PLACES)} {rng.choice(STEMS)} {rng.choice(TRADES)} {rng.choice(FORMS)}"
        if name in seen:
            continue
        seen.add(name)
        alias = f"{rng.choice(STEMS)} {rng.choice(TRADES)}" if rng.random() < 0.5 else ""
        out.append({"id": f"GEN-{len(out) + 1:04d}", "name": name, "aliases": alias, "schema": "Organization", "program": "DPRK", "country": "KP"})
    return out


def write_list(path: Path, entries: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "name", "aliases", "schema", "program", "country"])
        w.writeheader()
        w.writerows(entries)
    return path


def _misspell(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def generate_book(rng: random.Random, entries: list[dict], rows: int, extra_names: list[str] = ()) -> list[dict]:
    """Rows naming listed parties (some misspelt), names close to them, and unrelated buyers."""
    book = []
    for i in range(rows):
        r = rng.random()
        if r < 0.2:
            name = rng.choice(entries)["name"]
        elif r < 0.3:
            name = _misspell(rng, rng.choice(entries)["name"])
        elif r < 0.4 and extra_names:
            name = rng.choice(list(extra_names))
        elif r < 0.7:
            name = f"{rng.choice(PLACES)} {rng.choice(STEMS)} {rng.choice(TRADES)} {rng.choice(FORMS)}"
        else:
            name = f"{rng.choice(['Atlantic', 'Summit', 'Keystone', 'Harbor'])} {rng.choice(['Imports', 'Foods', 'Brands'])} {rng.choice(['LLC', 'Inc.'])}"
        book.append({"id": f"R{i + 1}", "supplier": name, "country": rng.choice(["CN", "KP", ""]), "hs_code": rng.choice(["670411", "030617", ""])})
    return book


def write_book(path: Path, book: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["id", "supplier", "country", "hs_code"])
        w.writeheader()
        w.writerows(book)
    return path


def delta(rng: random.Random, entries: list[dict], *, adds: int, removes: int, renames: int, add_names: list[str] = ()) -> list[dict]:
    """A new snapshot: some entries removed, some aliases renamed, some entries added."""
    kept = [dict(e) for e in entries]
    rng.shuffle(kept)
    kept = kept[removes:]
    for e in kept[:renames]:
        e["aliases"] = f"{rng.choice(STEMS)} {rng.choice(STEMS)} {rng.choice(TRADES)}"
    fresh = generate_list(random.Random(rng.random()), adds + len(add_names))
    for i, e in enumerate(fresh):
        e["id"] = f"NEW-{i + 1:04d}"
        if i < len(add_names):
            e["name"] = add_names[i]
    return sorted(kept + fresh, key=lambda e: e["id"])
