"""A JSON escape for a lone surrogate is refused at its line, before any writer sees it."""

from pathlib import Path

import pytest

from tollwatch.engines.local import read_rows
from tollwatch.core.errors import InputError


def test_lone_surrogate_escape_is_a_one_line_error(tmp_path: Path):
    path = tmp_path / "book.jsonl"
    path.write_text('{"name": "Good Co"}\n{"name": "ab\\ud800c"}\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(read_rows(path))
    assert str(err.value).endswith("book.jsonl:2: name: a lone surrogate escape (\\ud800-\\udfff) is not text")


def test_paired_surrogate_escape_is_ordinary_text(tmp_path: Path):
    """Positive control: an escaped astral character (a proper pair) still reads."""
    path = tmp_path / "book.jsonl"
    path.write_text('{"name": "Co \\ud83d\\ude00"}\n', encoding="utf-8")
    rows = list(read_rows(path))
    assert rows[0]["names"][0][1] == "Co \U0001f600"


def test_lone_surrogate_in_a_list_ftm_file_is_refused_and_nothing_stored(cli, tmp_path: Path):
    path = tmp_path / "list.ftm.json"
    path.write_text('{"id": "x1", "schema": "Company", "properties": {"name": ["Bad \\ud800 Co"]}}\n', encoding="utf-8")
    result = cli("lists", "import", "--format", "ftm", "--dataset", "surtest", str(path), expect=2)
    assert "list.ftm.json:1: name: a lone surrogate escape" in result.stderr
    assert "surtest" not in cli("lists").stdout
