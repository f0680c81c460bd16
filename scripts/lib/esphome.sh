# Sourced by scripts/check-firmware and scripts/firmware-host: ensure_esphome_venv makes
# .venv-esphome with the pinned ESPHome (Python 3.13; idempotent, a stamp file names the version).
# Run from the repository root.
ESPHOME_VERSION=2026.10.0
ESPHOME_VENV=.venv-esphome

# shellcheck source=scripts/lib/python313.sh
source scripts/lib/python313.sh

ensure_esphome_venv() {
  local stamp=$ESPHOME_VENV/.esphome-stamp python
  if [ -x $ESPHOME_VENV/bin/esphome ] && [ -f $stamp ] && [ "$(cat $stamp)" = "$ESPHOME_VERSION" ]; then
    return 0
  fi
  if ! python=$(find_python313); then
    echo "$(basename "$0"): no Python 3.13 found (see scripts/setup for how to install one)." >&2
    return 1
  fi
  [ -x $ESPHOME_VENV/bin/python ] || "$python" -m venv $ESPHOME_VENV
  $ESPHOME_VENV/bin/python -m pip install --quiet --disable-pip-version-check uv 2>/dev/null
  $ESPHOME_VENV/bin/python -m uv pip install --quiet --python $ESPHOME_VENV/bin/python "esphome==$ESPHOME_VERSION"
  echo "$ESPHOME_VERSION" > $stamp
}
