"""Screening reports list real candidates only: nothing under half the threshold."""

from screening_support import prepared

from tollwatch.engines.local import REPORT_FLOOR, screen_rows


def _row(name: str) -> dict:
    return {"query_id": "1", "line": 2, "names": [("name", name)], "schema": None}


def test_unrelated_names_bring_no_noise():
    p = prepared()
    name = "Example Hair Products Co Ltd"
    raw = p.matcher().match(name, limit=5)
    assert raw and all(m.score < p.threshold * REPORT_FLOOR for m in raw)  # the matcher's weak guesses
    (row,) = screen_rows(p, [_row(name)])
    assert row["matches"] == []


def test_the_floor_follows_the_threshold():
    p = prepared()
    (strict,) = screen_rows(p, [_row("Korea Kwangsong Trading")], threshold=0.95)
    (loose,) = screen_rows(p, [_row("Korea Kwangsong Trading")], threshold=0.5)
    assert all(m["score"] >= 0.95 * REPORT_FLOOR for m in strict["matches"])
    assert len(loose["matches"]) >= len(strict["matches"]) >= 1
    assert any(m["match"] for m in loose["matches"])
