#!/usr/bin/env bash
# Install rmkit and what it needs, on a fresh Debian machine with Python 3.11 (as root).
#   bash scripts/setup.sh                 rmkit itself (validate, build with PDFs, serve, package,
#                                         pair, report), at the tested versions of constraints.txt
#   bash scripts/setup.sh --test          plus the test suite's needs: pytest, Playwright,
#                                         Debian's Chromium, gettext and poppler, npm test tools
#   bash scripts/setup.sh --test --latest the newest versions pyproject.toml's ranges allow,
#                                         instead of constraints.txt (to try an upgrade)
# constraints.txt is refreshed by `bash scripts/update-constraints.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

with_tests=false
latest=false
for arg in "$@"; do
  case "$arg" in
    --test) with_tests=true ;;
    --latest) latest=true ;;
    *) echo "usage: bash scripts/setup.sh [--test] [--latest]" >&2; exit 2 ;;
  esac
done

missing=()
# WeasyPrint (the PDFs) draws text with Pango and subsets fonts with HarfBuzz; Japanese and
# Arabic need their Noto fonts in the PDFs and in the browsers alike.
for lib in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0; do
  dpkg -s "$lib" >/dev/null 2>&1 || missing+=("$lib")
done
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
if $with_tests; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

pins=(-c constraints.txt)
$latest && pins=(--upgrade --upgrade-strategy eager)
if $with_tests; then
  python3 -m pip install -q "${pins[@]}" -e '.[test]'
  # Browser test tools (axe-core, scorm-again); no browser download: Debian's Chromium is used.
  npm ci --silent --no-audit --no-fund
else
  python3 -m pip install -q "${pins[@]}" -e .
fi
