# Sourced by scripts/setup and scripts/check-firmware: find_python313 prints the path of a
# Python 3.13 (python3.13 on PATH, else pyenv's 3.13 where the pyenv shim hides it), or fails.
find_python313() {
  local candidate
  if command -v python3.13 >/dev/null 2>&1 && python3.13 -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then
    command -v python3.13; return 0
  fi
  if command -v pyenv >/dev/null 2>&1; then
    for candidate in "$(pyenv root)"/versions/3.13.*/bin/python3.13; do
      if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
    done
  fi
  for candidate in /usr/local/bin/python3.13 /usr/bin/python3.13 "$HOME"/.pyenv/versions/3.13.*/bin/python3.13; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}
