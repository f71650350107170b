#!/usr/bin/env bash
# Install rmkit and what it needs, on a fresh Debian machine with Python 3.11.
#   bash scripts/setup.sh          rmkit itself (validate, build, serve)
#   bash scripts/setup.sh --test   plus the test suite's needs: pytest, Playwright,
#                                  Debian's Chromium and gettext, axe-core from npm
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

with_tests=false
[ "${1:-}" = "--test" ] && with_tests=true

if $with_tests; then
  missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  # Fonts for Japanese and Arabic, so that screenshots and layout tests render real glyphs.
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  [ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  python3 -m pip install -q -e '.[test]'
  # axe-core for the accessibility tests; no browser download (Debian's Chromium is used).
  npm ci --silent --no-audit --no-fund
else
  python3 -m pip install -q -e .
fi
