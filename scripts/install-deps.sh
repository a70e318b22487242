#!/usr/bin/env bash
# Installs the Debian packages the build, tests, demo and benchmarks need.
# Idempotent and quiet when everything is already there; needs root for apt-get.
set -euo pipefail

PACKAGES=(
  g++ cmake make pkg-config ccache openssl
  libboost1.81-all-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libpaho-mqttpp-dev libpaho-mqtt-dev libsqlite3-dev sqlite3 libzstd-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  libsodium-dev libcurl4-openssl-dev libtomlplusplus-dev libcli11-dev
  mosquitto mosquitto-clients python3-paho-mqtt python3-pytest python3-zstandard zstd
  collectd-core procps chromium fonts-dejavu-core
)
# The portal (relay/web) is built with Node.js >= NODE_MIN_MAJOR and npm. A newer Node from
# elsewhere (e.g. nodejs.org) is kept; otherwise Debian's nodejs and npm are installed.
NODE_MIN_MAJOR=20

node_major() {
  command -v node >/dev/null 2>&1 && node -p 'process.versions.node.split(".")[0]' 2>/dev/null ||
    echo 0
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ "$(node_major)" -lt "$NODE_MIN_MAJOR" ]; then
  missing+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
  # Debian's npm would pull Debian's nodejs over the newer one installed here.
  echo "install-deps: Node.js $(node --version) has no npm; install npm for it" >&2
  exit 1
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root or install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

if [ "$(node_major)" -lt "$NODE_MIN_MAJOR" ]; then
  echo "install-deps: the portal build needs Node.js >= $NODE_MIN_MAJOR, but this system's" \
    "nodejs package gives $(node --version 2>/dev/null || echo none). Install Node.js" \
    "$NODE_MIN_MAJOR or newer with npm (e.g. from nodejs.org), or configure with" \
    "-DCCC_BUILD_WEB=OFF to build without the portal" >&2
  exit 1
fi
