#!/usr/bin/env bash
# Install the test extras and run the whole test suite: the one command CI runs.
# Creates .venv if missing, installs Debian's chromium for the browser tests when run as
# root (Playwright cannot download its own browser here), makes sure PostgreSQL is up.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

# Imports: the layer contract of docs (config in pyproject.toml, [tool.importlinter]).
.venv/bin/lint-imports --no-cache

if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# A Hangul font, so the browser tests' screenshots show Korean names instead of boxes.
if [ ! -d /usr/share/fonts/truetype/nanum ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null || true
fi

# The dossier's PDF: WeasyPrint needs pango; Hangul and Han need a CJK font; tests read the PDF with pdftotext.
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! command -v pdftotext >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing pango, Noto CJK fonts and poppler-utils for the dossier tests" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils >/dev/null
  fi
fi

if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi

# Types: strict on core/, default checks on the rest (config in pyproject.toml).
.venv/bin/python -m mypy

exec .venv/bin/python -m pytest "$@"
