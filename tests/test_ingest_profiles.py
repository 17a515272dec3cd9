"""Extraction resolves to profiles (issue 13, item 4): a name in a report resolves to the known
facility through the gazetteer's names in every script and the resolver's judgements; a new
entity is proposed only when nothing known matches. Our own sentences, no article text."""

from __future__ import annotations

from tollwatch.app import resolution
from tollwatch.app.ingest import IngestOptions, ingest
from tollwatch.core.model import Sensitivity

PAEKTO = "KP-LTC-PAEKTO"
KAECHON = ("KP-KHS-001", "KP-KLS-014")


def _ingest(store, tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [res] = ingest(store, path, "analyst", IngestOptions(title=name))
    return res


def _subjects(res) -> set[str]:
    return {c.subject_id for c in res.claims if c.predicate.value == "produces"}


def test_tosong_ri_in_every_script_is_paekto(store, tmp_path):
    for i, text in enumerate(["토성리 교화소에서 가발을 만든다.", "Prisoners at the Tosong-ri camp knit caps.", "백토에서 속눈썹을 만든다."]):
        res = _ingest(store, tmp_path, f"s{i}.txt", text)
        assert _subjects(res) == {PAEKTO}, text
        assert not [e for e in res.new_entities if e.kind.value == "facility"], text


def test_a_judgement_makes_ingest_resolve_to_the_canonical_profile(store, tmp_path):
    first = _ingest(store, tmp_path, "a.txt", "토성 교화소에서 가발을 만든다.")
    [proposed] = [e.id for e in first.new_entities if e.kind.value == "facility"]
    # The positive control: unjudged, the next report names the proposed facility again.
    assert _subjects(_ingest(store, tmp_path, "b.txt", "토성 교화소에서 속눈썹을 만든다.")) == {proposed}
    resolution.judge_pair(store, "ana", proposed, PAEKTO, "same", note="토성 is Tosong-ri")
    after = _ingest(store, tmp_path, "c.txt", "토성 교화소에서 털모자를 만든다.")
    assert _subjects(after) == {PAEKTO}
    assert not after.new_entities
    with store.read(Sensitivity.PUBLIC) as r:
        assert resolution.resolve_id(r, proposed) == PAEKTO
        assert resolution.resolve_id(r, KAECHON[0]) != resolution.resolve_id(r, KAECHON[1])


def test_kaechon_names_stay_two_facilities_in_ingest(store, tmp_path):
    one = _ingest(store, tmp_path, "k1.txt", "개천 제1호교화소에서 가발을 만든다.")
    fourteen = _ingest(store, tmp_path, "k14.txt", "개천 제14호 관리소에서 속눈썹을 만든다.")
    assert (_subjects(one), _subjects(fourteen)) == ({KAECHON[0]}, {KAECHON[1]})
