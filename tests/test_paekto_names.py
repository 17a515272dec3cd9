"""Paekto in any script resolves to the gazetteer's facility (issue 13, item 4): its Hangul
names come from Daily NK's Korean report (scripts/data/facility_names.tsv, cited on the row),
and the generic "노동교화소" after a known camp is not minted as another facility."""

from __future__ import annotations

from tollwatch.app.ingest import IngestOptions, ingest
from tollwatch.core.model import Sensitivity

PAEKTO = "KP-LTC-PAEKTO"
# Our own sentences, written for this test (no article text).
TEXTS = {
    "ko.txt": "토성리 노동교화소에서는 가발과 속눈썹을 생산한다.",
    "ko_short.txt": "백토 교화소에서 가발 생산 과제가 늘었다.",
    "en.txt": "Prisoners at the Tosong-ri camp make wigs for Chinese buyers.",
}


def test_paekto_resolves_in_korean_and_english_and_nothing_is_invented(store, tmp_path):
    for name, text in TEXTS.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        [res] = ingest(store, path, "analyst", IngestOptions(title=name))
        assert {(c.subject_id, c.object_id) for c in res.claims if c.predicate.value == "produces"} >= {(PAEKTO, "product-wigs")}, name
        assert not [e for e in res.new_entities if e.kind.value == "facility"], (name, res.new_entities)


def test_paekto_names_keep_their_citation(store):
    with store.read(Sensitivity.PUBLIC) as r:
        paekto = r.entities([PAEKTO])[PAEKTO]
        gazetteer = r.sources_by_id(["gazetteer-kp-ltc-paekto"])["gazetteer-kp-ltc-paekto"]
    assert {"백토", "토성리 교화소"} <= {n.value for n in paekto.names}
    assert "https://www.dailynk.com/%eb%b6%81%ed%95%9c" in " ".join(paekto.attributes["citations"])
    assert "백토" in (gazetteer.text or "")


def test_a_village_called_tosong_ri_is_not_the_camp(store, tmp_path):
    path = tmp_path / "village.txt"
    path.write_text("토성리에서 농민들이 옥수수를 심었다.", encoding="utf-8")
    [res] = ingest(store, path, "analyst", IngestOptions(title="village"))
    assert not [c for c in res.claims if PAEKTO in (c.subject_id, c.object_id)]
