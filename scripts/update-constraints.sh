#!/usr/bin/env bash
# Refresh constraints.txt: the tested version of every direct and indirect dependency of
# rmkit and of its test extra. It installs the newest versions that pyproject.toml's ranges
# allow into a throw-away virtual environment and writes what pip resolved.
#   bash scripts/update-constraints.sh
# Then run the tests (bash scripts/setup.sh --test && python3 -m pytest) and commit the file.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -e '.[test]'
{
  echo "# Tested versions of every dependency of rmkit and of its test extra (pip constraints)."
  echo "# Used by scripts/setup.sh (and so by .ci/run); scripts/setup.sh --latest ignores it."
  echo "# Refresh with: bash scripts/update-constraints.sh   ($("$venv/bin/python" --version), $(date -u +%Y-%m-%d))"
  "$venv/bin/python" -m pip freeze --exclude-editable --all | grep -vE '^(pip|setuptools|wheel)==' | LC_ALL=C sort -f
} > constraints.txt.new
mv constraints.txt.new constraints.txt
echo "wrote constraints.txt ($(grep -c '==' constraints.txt) packages)"
