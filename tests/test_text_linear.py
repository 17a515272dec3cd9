"""Text algorithms stay linear on hostile input (issue 18, finding 6).

Each check times an input and the same input four times over: linear work grows about
fourfold (a little more as memory caches fill), quadratic work sixteenfold. The ratio, the
best of five runs each, is robust on a busy machine where an absolute time is not. The old
sentence splitter took 168 s on the first input.
"""

from __future__ import annotations

import gc
import time

import pytest

from tollwatch.core.extraction import Gazetteer, extract
from tollwatch.core.model import Sensitivity
from tollwatch.core.sentences import sentences

GROWTH = 4
LINEAR_RATIO = 8.0  # the input four times as long: ~4 when linear, ~16 when quadratic


def _best_of(fn, arg, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - t)
    return best


def _ratio(fn, make, n: int) -> float:
    """Time of the input four times over / time of the input, the best of five runs each, the
    garbage collector paused (its passes over many small objects are not the algorithm's)."""
    small, large = make(n), make(GROWTH * n)
    gc.collect()
    gc.disable()
    try:
        ratio = float("inf")
        for _ in range(3):  # a busy machine can slow one side; a quadratic algorithm never gets under the bar
            ratio = min(ratio, _best_of(fn, large) / max(_best_of(fn, small), 1e-4))
            if ratio < LINEAR_RATIO:
                break
        return ratio
    finally:
        gc.enable()


HOSTILE_SENTENCES = {  # about n characters each
    "abbreviations": lambda n: "Start " + "No. " * (n // 4),  # 168 s at 64 KB before: no sentence ever ends
    "legal forms": lambda n: "Start " + "e.g. " * (n // 5),
    "a run of stops": lambda n: "." * n + "x",  # each stop used to rescan the run after it
    "hard-wrapped lines": lambda n: "a\n" * (n // 2),
}


@pytest.mark.parametrize("shape", sorted(HOSTILE_SENTENCES))
def test_sentence_splitter_is_linear(shape):
    assert _ratio(sentences, HOSTILE_SENTENCES[shape], 64_000) < LINEAR_RATIO


def test_the_64_kb_abbreviation_text_is_one_sentence():
    text = "Start " + "No. " * 16000
    assert len(text) > 64_000
    assert sentences(text) == [(0, len(text) - 1)]


@pytest.fixture(scope="module")
def gazetteer(tmp_path_factory):
    from tollwatch.app.evidence import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('gaz') / 'g.db'}")
    with store.read(Sensitivity.CONFIDENTIAL) as r:
        entities = r.list_entities()
    store.close()
    return Gazetteer(entities)


HOSTILE_REPORTS = {
    # one sentence naming a place two camps share, thousands of times: each mention used to
    # rescan the whole sentence for camp words and for a province before it
    "shared place name": lambda n: "개천 " * n,
    "place name and camp words": lambda n: "개천 관리소 교화소 " * (n // 3),
    "abbreviations": lambda n: "Kaechon No. " * (n // 2),
}


@pytest.mark.parametrize("shape", sorted(HOSTILE_REPORTS))
def test_extraction_is_linear(gazetteer, shape):
    assert _ratio(lambda text: extract(text, "src-hostile", gazetteer), HOSTILE_REPORTS[shape], 1500) < LINEAR_RATIO
