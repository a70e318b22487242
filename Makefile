# The two front-door commands are `make demo` and `make test` (see README.md).
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DEMO_SYSTEMS ?= 20
DEMO_PORT ?= 8080
export DEMO_SYSTEMS DEMO_PORT
# Relative paths in ccache keys: a fresh clone (CI) reuses earlier compilations.
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: all deps build test demo bench cross-agent format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/Makefile:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: deps $(BUILD_DIR)/Makefile
	@cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure --timeout 900

demo: build
	@/usr/bin/python3 scripts/demo.py --build-dir $(BUILD_DIR)

bench: build
	@/usr/bin/python3 tests/bench/run_bench.py --build-dir $(BUILD_DIR)

# The agent for 64-bit ARM boards, its unit tests run under qemu (build-aarch64/bin).
cross-agent:
	@cross/build-agent.sh build-aarch64

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
