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
  collectd-core procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root or install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
