"""Imported by the fork server that runs the server's CPU-heavy steps (app.isolated), so each
step forked from it finds the Korean model already loaded instead of loading it again (about
2 s each time, more on a busy machine). Importing this loads the model when kiwipiepy is
installed and not switched off; otherwise it does nothing. A model that fails to load is
logged, never raised: the fork server must start whatever happens here."""

import logging

from tollwatch.engines.korean import preload

try:
    preload()
except Exception as exc:  # noqa: BLE001 - each step then loads it itself, as before
    logging.getLogger(__name__).warning("Korean model not preloaded in the fork server: %s", type(exc).__name__)
