#!/usr/bin/env bash
# Cross-compiles ccc-agent for 64-bit ARM boards and runs its unit tests under qemu.
#
#   cross/build-agent.sh [BUILD_DIR]      (default build-aarch64; result in BUILD_DIR/bin)
#
# Installs what is missing (root): the cross compiler, qemu's user-mode emulator and the
# arm64 variants of the agent's libraries from Debian (multiarch). It refuses to go on if
# apt would remove any package of the build machine: some -dev packages are not multiarch
# (libboost1.81-all-dev, libpq-dev), so only the per-library arm64 packages are used.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-aarch64}

packages=(
  crossbuild-essential-arm64 qemu-user-static
  libssl-dev:arm64 libsqlite3-dev:arm64 libzstd-dev:arm64 libspdlog-dev:arm64 libfmt-dev:arm64
  libtomlplusplus-dev:arm64 libboost1.81-dev:arm64 libboost-json1.81-dev:arm64
  libboost-system1.81-dev:arm64 libpaho-mqttpp-dev:arm64 libpaho-mqtt-dev:arm64
  libgtest-dev:arm64 libgmock-dev:arm64 libbenchmark-dev:arm64
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "cross: missing ${missing[*]}; run as root" >&2; exit 1; }
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  if apt-get install -s --no-install-recommends "${missing[@]}" | grep -q '^Remv'; then
    echo "cross: installing ${missing[*]} would remove packages of this machine; stopping" >&2
    exit 1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=MinSizeRel \
  -DCMAKE_TOOLCHAIN_FILE=cross/toolchain-aarch64.cmake -DCCC_BUILD_RELAY=OFF \
  -DCCC_BUILD_WEB=OFF >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target ccc-agent common_test agent_outbox_test \
  agent_core_test
(cd "$build_dir" && ctest --output-on-failure -R '^unit\.(common|agent_outbox|agent_core)$')
file "$build_dir/bin/ccc-agent"
qemu-aarch64-static -L /usr/aarch64-linux-gnu "$build_dir/bin/ccc-agent" --version
