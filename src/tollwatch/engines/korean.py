"""kiwipiepy as the extractor's Korean morphological analyzer (core.extraction.morph.KoreanAnalyzer).

The model ships on PyPI as kiwipiepy-model and is read from that package's folder, so nothing is
downloaded at run time. Loading it takes seconds, so it is loaded once per process, lazily, on the
first Korean text the extractor asks about; English texts never load it. Without kiwipiepy (or with
TOLLWATCH_KOREAN_ANALYZER=off) `korean_analyzer()` is None and the extractor keeps its pattern-based
Korean handling.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
import time
from typing import Any

from tollwatch.core.extraction.morph import Morph

log = logging.getLogger(__name__)
OFF = ("off", "0", "false", "no", "none")


class KiwiAnalyzer:
    """Morphemes of a text from kiwipiepy, the model loaded on the first call."""

    def __init__(self) -> None:
        self._kiwi: Any = None
        self._lock = threading.Lock()
        self.load_seconds: float | None = None  # how long the model took to load, once it has

    def _model(self) -> Any:
        with self._lock:
            if self._kiwi is None:
                import kiwipiepy_model
                from kiwipiepy import Kiwi

                started = time.perf_counter()
                self._kiwi = Kiwi(model_path=kiwipiepy_model.get_model_path())
                self.load_seconds = time.perf_counter() - started
                log.info("Korean analyzer (kiwipiepy %s) loaded in %.1f s", getattr(self._kiwi, "_version", ""), self.load_seconds)
            return self._kiwi

    @property
    def loaded(self) -> bool:
        return self._kiwi is not None

    def tokens(self, text: str) -> list[Morph]:
        return [Morph(t.form, t.tag, t.start, t.start + t.len) for t in self._model().tokenize(text)]


_shared: KiwiAnalyzer | None = None
_shared_lock = threading.Lock()


def available() -> bool:
    """kiwipiepy and its model package are installed, and the analyzer is not switched off."""
    if os.environ.get("TOLLWATCH_KOREAN_ANALYZER", "").strip().casefold() in OFF:
        return False
    return importlib.util.find_spec("kiwipiepy") is not None and importlib.util.find_spec("kiwipiepy_model") is not None


def korean_analyzer() -> KiwiAnalyzer | None:
    """The process's one analyzer (its model not loaded until a Korean text needs it), or None."""
    global _shared
    if not available():
        return None
    with _shared_lock:
        if _shared is None:
            _shared = KiwiAnalyzer()
        return _shared


def preload() -> bool:
    """Load the shared analyzer's model now (True), or do nothing where there is none (False)."""
    analyzer = korean_analyzer()
    if analyzer is None:
        return False
    analyzer._model()
    return True
