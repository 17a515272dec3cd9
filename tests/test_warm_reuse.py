"""Loaded once per process and reused (issue 16): the annotation gazetteer is built once across
suggestions, uploads and the start-up warm; the Korean model is loaded once across two uploads,
and a step forked from the fork server finds it already loaded."""

from __future__ import annotations

import importlib.util

import pytest

from tollwatch.app import annotation, sources
from tollwatch.core.model import Sensitivity

HAS_KIWI = importlib.util.find_spec("kiwipiepy") is not None and importlib.util.find_spec("kiwipiepy_model") is not None
needs_kiwi = pytest.mark.skipif(not HAS_KIWI, reason="kiwipiepy is not installed")
# Written for these tests (no article text).
TEXT = "Note for the tests.\nPrisoners at Kyo-hwa-so No. 1 make wigs for export, a witness said.\n"
PASSAGE = "Prisoners at Kyo-hwa-so No. 1 make wigs for export"
KOREAN = ["시험용 메모 {n}: 개천 제1호교화소 수감자들이 수출용 가발을 만든다고 증언자가 말했다.\n"]


@pytest.fixture
def counted_gazetteers(monkeypatch):
    built = []
    real = annotation.Gazetteer

    def counting(entities):
        built.append(len(entities))
        return real(entities)

    monkeypatch.setattr(annotation, "Gazetteer", counting)
    monkeypatch.setattr(annotation, "_GAZETTEERS", {})
    return built


def _suggest(store, source_id: str, clearance=Sensitivity.RESTRICTED) -> dict:
    start = TEXT.index(PASSAGE)
    return annotation.suggest(store, clearance, source_id, start, start + len(PASSAGE), PASSAGE)


def test_gazetteer_built_once_for_the_warm_and_every_suggestion_after(store, counted_gazetteers):
    source_id = sources.add_source(store, sources.make_source(TEXT, title="note"), "tester").id
    assert annotation.warm_gazetteers(store, [Sensitivity.RESTRICTED]) == [Sensitivity.RESTRICTED]
    first, second = _suggest(store, source_id), _suggest(store, source_id)
    assert len(counted_gazetteers) == 1  # the warm built it; both suggestions reused it
    assert first["guess"]["subject"] == "KP-KHS-001" and first == second
    _suggest(store, source_id, Sensitivity.PUBLIC)  # another clearance: its own gazetteer, never a shared one
    assert len(counted_gazetteers) == 2


def test_gazetteer_rebuilt_when_an_entity_changes(store, counted_gazetteers):
    from tollwatch.core.model import Entity, EntityKind, Name

    source_id = sources.add_source(store, sources.make_source(TEXT, title="note"), "tester").id
    _suggest(store, source_id)
    with store.begin("tester") as tx:
        tx.upsert_entity(Entity("org-warm-test", EntityKind.ORGANIZATION, "Zembla Warmtest Trading", names=[Name.of("Zembla Warmtest Trading")]))
    _suggest(store, source_id)
    assert len(counted_gazetteers) == 2


@needs_kiwi
def test_korean_model_loaded_once_across_two_uploads(store, tmp_path, monkeypatch):
    import kiwipiepy

    from tollwatch.app.ingest import IngestOptions, ingest
    from tollwatch.engines import korean

    loads = []
    real = kiwipiepy.Kiwi

    def counting_kiwi(*args, **kwargs):
        loads.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(kiwipiepy, "Kiwi", counting_kiwi)
    monkeypatch.setattr(korean, "_shared", None)
    monkeypatch.delenv("TOLLWATCH_KOREAN_ANALYZER", raising=False)
    for n in (1, 2):
        path = tmp_path / f"note{n}.txt"
        path.write_text(KOREAN[0].format(n=n), encoding="utf-8")
        ingest(store, path, "tester", IngestOptions(kind="testimony", publisher="tests"))
    assert len(loads) == 1


def _korean_loaded_here() -> bool:
    from tollwatch.engines.korean import korean_analyzer

    analyzer = korean_analyzer()
    return analyzer is not None and analyzer.loaded


@needs_kiwi
def test_a_step_forked_from_the_fork_server_finds_the_model_loaded(monkeypatch):
    from tollwatch.app import isolated

    monkeypatch.delenv("TOLLWATCH_KOREAN_ANALYZER", raising=False)
    isolated.warm()
    assert isolated.run_isolated(_korean_loaded_here, timeout=120) is True
