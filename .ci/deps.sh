#!/usr/bin/env bash
# The Debian packages pursuit's C++ side builds against. Installs what is
# missing (as root, or through sudo); otherwise prints the exact command.
set -euo pipefail
# clang and its runtime (libFuzzer, ASan, UBSan) build the fuzz harnesses (make fuzz-short).
packages=(g++ make libboost-dev nlohmann-json3-dev catch2 libsqlite3-dev libsimdjson-dev libabsl-dev libtbb-dev libbenchmark-dev graphviz
          clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
echo "pursuit: installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sh -c "$cmd"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo sh -c "$cmd"
else
  echo "pursuit: cannot install them without root. Run this, then try again:" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi
