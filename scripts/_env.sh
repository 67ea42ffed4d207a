# Shared set-up for scripts/serve and scripts/test: a project virtualenv with the project installed.
# Re-running is cheap: installs are skipped while pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1

# install_once NAME PIP-ARGS...: run pip once per (NAME, pyproject.toml) state.
install_once() {
  local name=$1; shift
  local stamp
  stamp=".venv/.installed-$name-$(cat pyproject.toml "$0" | sha256sum | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    echo "installing $name …"
    python -m pip install -q "$@"
    rm -f .venv/.installed-"$name"-*
    touch "$stamp"
  fi
}
