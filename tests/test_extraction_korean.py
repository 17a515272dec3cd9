"""Korean morphology (issue 11, item 3): the kiwipiepy adapter on invented sentences (our own words,
no article text), the extractor with it, and the pattern fallback when no analyzer is injected.
The model is loaded once for the module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tollwatch.core.extraction import Gazetteer, extract, lexicon, tokenize
from tollwatch.core.extraction.morph import Reading
from tollwatch.core.model import Predicate

ROOT = Path(__file__).resolve().parent.parent
HAS_KIWI = importlib.util.find_spec("kiwipiepy") is not None and importlib.util.find_spec("kiwipiepy_model") is not None
needs_kiwi = pytest.mark.skipif(not HAS_KIWI, reason="kiwipiepy is not installed")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from extraction import reference_gazetteer

    return reference_gazetteer()


@pytest.fixture(scope="module")
def kiwi():
    if not HAS_KIWI:
        pytest.skip("kiwipiepy is not installed")
    from tollwatch.engines.korean import KiwiAnalyzer

    analyzer = KiwiAnalyzer()
    analyzer.tokens("한국어")  # the one model load of this module
    return analyzer


def read(kiwi, text: str) -> Reading:
    return Reading(kiwi.tokens(text), lexicon())


def claims(text: str, gaz: Gazetteer, korean=None, predicate: Predicate | None = None):
    result = extract(text, "src-ko", gaz, korean=korean)
    return [c for c in result.claims if predicate is None or c.predicate == predicate], result.new_entities


# --- the adapter ------------------------------------------------------------------------------


@needs_kiwi
def test_morphemes_carry_offsets_into_the_text(kiwi):
    text = "두 공장이 문을 닫았다"
    for m in kiwi.tokens(text):
        assert 0 <= m.start < m.end <= len(text)
    assert [(m.form, m.tag) for m in kiwi.tokens(text)][:2] == [("두", "MM"), ("공장", "NNG")]


@needs_kiwi
@pytest.mark.parametrize("word, core", [("업체로부터", "업체"), ("공장에게서", "공장"), ("세관에서는", "세관"), ("회사들이", "회사")])
def test_particles_and_endings_are_stripped_from_a_word(kiwi, word, core):
    text = f"그 {word} 소식이 왔다"
    start = text.index(word)
    assert text[start : read(kiwi, text).core_end(start, start + len(word))] == core
    assert core in [t.text for t in tokenize(text, read(kiwi, text))]


@needs_kiwi
@pytest.mark.parametrize("text, negated", [
    ("그 공장은 가발을 만들지 않았다", True),
    ("창고에는 실이 없었다", True),
    ("이 업체는 수출 회사가 아니다", True),
    ("작업반은 일을 못 했다", True),
    ("그 공장은 가발을 만들었다", False),
])
def test_negation_is_read_from_morphemes(kiwi, text, negated):
    assert read(kiwi, text).negated(0, len(text)) is negated


@needs_kiwi
@pytest.mark.parametrize("text, value", [("작업장에는 1000여명이 있었다", 1000), ("모두 3천 명이 왔다", 3000),
                                         ("약 2만여 명이 모였다", 20000), ("1만5천 명이 일했다", 15000)])
def test_numerals_with_scales_and_approximate_suffix(kiwi, text, value):
    (count,) = read(kiwi, text).counts(0, len(text))
    assert count.value == value and text[count.start : count.end].endswith("명")


@needs_kiwi
def test_the_noun_after_myeong_ui_is_what_is_counted(kiwi):
    text = "3명의 수행원과 약 30명의 증언, 그리고 20명의 환자들, 500명의 수감자"
    assert [(c.value, c.nouns) for c in read(kiwi, text).counts(0, len(text))] == [
        (3, ("수행원",)), (30, ("증언",)), (20, ("환자",)), (500, ("수감자",))]


@needs_kiwi
def test_verb_stems_are_cues_whatever_the_ending(kiwi):
    text = "그 업체는 실을 사들였고 가발은 세관에 넘겼다"
    r = read(kiwi, text)
    assert r.says("receive", 0, len(text)) and r.says("export", 0, len(text))
    assert not r.says("inspect", 0, len(text))
    sent_down = "본부에서 내려보낸 과제"
    assert read(kiwi, sent_down).says("inspect", 0, len(sent_down))


# --- the extractor with the analyzer ----------------------------------------------------------


@needs_kiwi
def test_a_count_of_officials_witnesses_or_patients_is_no_prisoner_count(gaz, kiwi):
    for noun in ("수행원", "증언", "환자"):
        found, _ = claims(f"개천교화소에는 2만여 명의 {noun}이 있었다.", gaz, kiwi, Predicate.HOLDS_PRISONERS)
        assert found == [], noun
    found, _ = claims("개천교화소에는 2만여 명의 수감자가 갇혀 있었다.", gaz, kiwi, Predicate.HOLDS_PRISONERS)
    assert [(c.subject_id, c.quantity.low, c.quantity.high, c.evidence.rule) for c in found] == [("KP-KHS-001", 20000, 20000, "quantities")]
    found, _ = claims("개천교화소에는 1000여명이 갇혀 있었다.", gaz, kiwi, Predicate.HOLDS_PRISONERS)
    assert [c.quantity.low for c in found] == [1000]


@needs_kiwi
def test_a_stem_cue_gives_the_input_a_pattern_misses(gaz, kiwi):
    text = "개천교화소는 중국 업체로부터 실을 사들였다."
    assert claims(text, gaz, None, Predicate.RECEIVES_INPUT)[0] == []
    found, _ = claims(text, gaz, kiwi, Predicate.RECEIVES_INPUT)
    assert [(c.subject_id, c.object_id) for c in found] == [("KP-KHS-001", "product-thread")]


@needs_kiwi
def test_negated_production_gives_nothing(gaz, kiwi):
    assert claims("개천교화소는 가발을 만들지 않는다.", gaz, kiwi, Predicate.PRODUCES)[0] == []
    assert [c.object_id for c in claims("개천교화소는 가발을 만든다.", gaz, kiwi, Predicate.PRODUCES)[0]] == ["product-wigs"]


@needs_kiwi
def test_a_firm_without_a_legal_form_employs_counted_workers(gaz, kiwi):
    found, new = claims("연길해송복장에는 2만여 명의 북한 노동자가 일한다.", gaz, kiwi, Predicate.EMPLOYS_WORKERS)
    names = {e.id: e.caption for e in new}
    assert [(names[c.subject_id], c.quantity.low, c.note) for c in found] == [("연길해송복장", 20000, "nationality: kp")]
    found, new = claims("연길해송복장은 북한 노동자 50명을 고용했다.", gaz, kiwi, Predicate.EMPLOYS_WORKERS)
    assert [c.quantity.low for c in found] == [50]
    assert claims("연길해송복장은 북한 노동자를 고용하지 않았다.", gaz, kiwi, Predicate.EMPLOYS_WORKERS)[0] == []
    # common nouns before the head are a kind of plant, not a name
    assert not any(e.caption.startswith("여성복장") for e in claims("여성복장 공장은 북한 노동자를 고용했다.", gaz, kiwi)[1])


@needs_kiwi
def test_english_text_never_loads_the_model(gaz):
    from tollwatch.engines.korean import KiwiAnalyzer

    fresh = KiwiAnalyzer()
    extract("Kaechon labor camp makes wigs for a Chinese buyer.", "src-en", gaz, korean=fresh)
    assert not fresh.loaded and fresh.load_seconds is None


@needs_kiwi
def test_korean_gold_holds_with_the_analyzer(gaz, kiwi):
    """The Korean regression texts in tests/gold score at least as well with the analyzer as without."""
    spec = importlib.util.spec_from_file_location("bench_extraction_ko", ROOT / "benchmarks" / "extraction.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)
    for path in sorted((ROOT / "tests" / "gold").glob("own_ko_*.jsonl")):
        fallback, morph = bench.score_file(path, gaz, None), bench.score_file(path, gaz, kiwi)
        assert morph.forbidden == [], path.name
        assert morph.true_positives >= fallback.true_positives and morph.precision >= min(fallback.precision, 0.9), path.name


# --- without an analyzer ------------------------------------------------------------------------


def test_without_an_analyzer_the_patterns_read_korean_as_before(gaz):
    found, _ = claims("개천교화소에서는 가발을 생산한다.", gaz, None, Predicate.PRODUCES)
    assert [(c.subject_id, c.object_id) for c in found] == [("KP-KHS-001", "product-wigs")]
    assert claims("개천교화소는 가발을 만들지 않는다.", gaz, None, Predicate.PRODUCES)[0] == []
    found, _ = claims("개천교화소에는 약 4천 명이 수감돼 있다.", gaz, None, Predicate.HOLDS_PRISONERS)
    assert [c.quantity.low for c in found] == [4000]
    # what only the analyzer reads stays unread: 2만여 명, 사들였다
    assert claims("개천교화소에는 2만여 명의 수감자가 갇혀 있었다.", gaz, None, Predicate.HOLDS_PRISONERS)[0] == []
    assert [t.text for t in tokenize("업체로부터 받았다")][0] == "업체로"  # the particle list strips one ending only


def test_the_analyzer_can_be_switched_off(monkeypatch):
    from tollwatch.engines import korean

    monkeypatch.setenv("TOLLWATCH_KOREAN_ANALYZER", "off")
    assert korean.korean_analyzer() is None
