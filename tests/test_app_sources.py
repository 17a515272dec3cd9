"""Source editing and deletion through app.sources, at the editor's clearance."""

from __future__ import annotations

import pytest

from tollwatch.app import sources
from tollwatch.app.errors import Forbidden, ModelError, NotFound, StoreError
from tollwatch.core.model import Sensitivity

R = Sensitivity.RESTRICTED


def _add(store, text="A plain public note about a trading company.", sensitivity="public"):
    source = sources.make_source(text, title="note", sensitivity=sensitivity)
    return sources.add_source(store, source, "tester").id


def test_edit_changes_metadata_and_audits_field_names(store):
    sid = _add(store)
    edited = sources.edit_source(store, "ed", sid, {"title": "  Better title ", "grade": "b", "date": "2024-03"}, R)
    assert (edited.title, edited.grade, edited.date) == ("Better title", "B", "2024-03")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        entry = r.audit(target_id=sid)[0]
    assert (entry["actor"], entry["action"], entry["detail"]) == ("ed", "update", {"fields": ["date", "grade", "title"]})


def test_edit_refuses_bad_fields(store):
    sid = _add(store)
    with pytest.raises(ModelError) as exc:
        sources.edit_source(store, "ed", sid, {"text": "new"}, R)
    assert exc.value.field == "text"
    with pytest.raises(ModelError) as exc:
        sources.edit_source(store, "ed", sid, {"title": " "}, R)
    assert exc.value.field == "title"
    with pytest.raises(Forbidden, match="^sensitivity: above your clearance"):
        sources.edit_source(store, "ed", sid, {"sensitivity": "confidential"}, R)


def test_moving_above_own_clearance_is_refused_but_up_to_it_allowed(store):
    sid = _add(store)
    assert sources.edit_source(store, "ed", sid, {"sensitivity": "restricted"}, R).sensitivity == R
    assert sources.get_source(store, sid, Sensitivity.PUBLIC) is None


def test_a_source_above_the_clearance_is_not_found(store):
    sid = _add(store, "A confidential testimony about a camp.", "confidential")
    with pytest.raises(NotFound):
        sources.edit_source(store, "ed", sid, {"title": "x"}, R)
    with pytest.raises(NotFound):
        sources.delete_source(store, "ed", sid, R)
    assert sources.get_source(store, sid, Sensitivity.CONFIDENTIAL).title == "note"


def test_delete_refuses_a_source_with_claims(store):
    sid = _add(store)
    sources.delete_source(store, "ed", sid, R)
    assert sources.get_source(store, sid, R) is None
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        claimed = r.list_claims()[0].evidence.source_id
    with pytest.raises(StoreError, match="claim\\(s\\) rest on this source"):
        sources.delete_source(store, "ed", claimed, Sensitivity.CONFIDENTIAL)


def test_reading_needs_a_clearance(store):
    """Store.read() has no default ceiling: a caller that forgets the reader's clearance fails loudly."""
    with pytest.raises(TypeError):
        with store.read():
            pass
    confidential = _add(store, "A confidential testimony about a camp.", "confidential")
    assert sources.get_source(store, confidential, Sensitivity.RESTRICTED) is None
    assert confidential not in {s.id for s in sources.list_sources(store, Sensitivity.PUBLIC)}
    assert confidential in {s.id for s in sources.list_sources(store, Sensitivity.CONFIDENTIAL)}
