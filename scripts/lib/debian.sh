# Sourced by scripts that need a system package: ensure_package PACKAGE WHY CHECK... runs the
# command CHECK...; when it fails, installs PACKAGE with apt-get when running as root (updating the
# package lists if the first try fails), otherwise says how and returns 1.
ensure_package() {
  local package=$1 why=$2
  shift 2
  if "$@" >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "$(basename "$0"): installing $package for $why (apt-get install -y $package)"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q "$package" >/dev/null; then
      echo "$(basename "$0"): install failed; updating the package lists and trying again"
      apt-get update -q >/dev/null
      apt-get install -y -q "$package" >/dev/null
    fi
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
  fi
  echo "$(basename "$0"): $package is not installed; $why needs it." >&2
  echo "  Install it with: sudo apt-get install -y $package   (macOS: brew install mosquitto)" >&2
  return 1
}

# The checks for the packages the tests and the host build of the firmware need.
has_mosquitto_broker() { command -v mosquitto || [ -x /usr/sbin/mosquitto ]; }
has_libmosquitto_dev() { echo '#include <mosquitto.h>' | "${CXX:-g++}" -E -x c++ - -o /dev/null; }
