# Entry points. `make demo` mounts secrets from the local fake Key Vault through the real provider;
# `make test` runs every test. Both install what is missing first (Debian packages, the Python venv).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PRODUCT := secrets-store-csi-driver-provider-azure
APT_PACKAGES := libssl-dev pkg-config iproute2 openssl ca-certificates util-linux python3

.PHONY: all deps venv build test unit e2e demo release release-smoke bench clean format format-check reliability-long

all: build

## deps: Debian packages the build needs (OpenSSL's libcrypto for PKCS#12), installed only when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; apt-get update -qq && apt-get install -y -qq $$missing; fi

## venv: the Python environment of the e2e tests and the fake Azure services.
venv: $(VENV)/.installed
$(VENV)/.installed: Tests/e2e/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/e2e/requirements.txt
	touch $@

## build: the provider and the Swift tests (debug), built once and shared by unit and e2e tests.
build: deps
	swift build --build-tests

## test: the format check, Swift unit tests, the end-to-end suite against the built binary, the mount tests
## against the release binary, the chart tests.
test: deps venv format-check build
	swift test --skip-build
	cd Tests/e2e && ../../$(PY) -m pytest -q -p no:cacheprovider
	$(MAKE) release-smoke
	$(MAKE) chart-test

unit: build
	swift test --skip-build

e2e: deps venv build
	cd Tests/e2e && ../../$(PY) -m pytest -q -p no:cacheprovider

## demo: start the fake Azure services and the provider, mount a SecretProviderClass, show the files.
demo: deps venv
	swift build --product $(PRODUCT)
	$(PY) scripts/demo.py

## release: the binary as the image ships it (optimised, static Swift runtime), in .build-release/release: its own
## scratch path, so the debug build in .build stays. About 12 minutes on 2 cores the first time.
RELEASE_SCRATCH := .build-release
RELEASE_BINARY := $(CURDIR)/$(RELEASE_SCRATCH)/release/$(PRODUCT)
release: deps
	swift build -c release --static-swift-stdlib --product $(PRODUCT) --scratch-path $(RELEASE_SCRATCH)

## release-smoke: the e2e suite's mount tests against the release binary. The optimiser can break what a debug
## build does right: a release build once trapped on every mount while every debug test passed.
RELEASE_SMOKE_TESTS := test_conformance.py test_mount_keyvault.py test_mount_auth.py test_server.py \
	test_shared_reads.py test_object_extensions.py
release-smoke: deps venv release
	cd Tests/e2e && PROVIDER_BINARY=$(RELEASE_BINARY) ../../$(PY) -m pytest -q -p no:cacheprovider $(RELEASE_SMOKE_TESTS)

## reliability-long: the long load run (2,000 mounts from 64 clients); the default e2e run has a short one.
reliability-long: deps venv build
	cd Tests/e2e && ../../$(PY) -m pytest -q -p no:cacheprovider --long test_load.py

## format / format-check: the toolchain's swift-format with .swift-format (generated code opts out per file).
SWIFT_FORMAT_PATHS := Package.swift Sources Tests Fuzz/Package.swift Fuzz/Sources
format:
	swift format format --in-place --recursive --parallel $(SWIFT_FORMAT_PATHS)

format-check:
	swift format lint --strict --recursive --parallel $(SWIFT_FORMAT_PATHS)

clean:
	rm -rf .build $(VENV)

## chart-test: lint, render and validate the Helm chart; check its values table and deploy/'s static manifest.
## Its own venv (under .build-chart/, git-ignored): its pins differ from Tests/e2e's.
CHART_VENV := .build-chart/venv
CHART_PY := $(CHART_VENV)/bin/python
.PHONY: chart-venv chart-test chart-docs chart-manifest image-check
chart-venv: $(CHART_VENV)/.installed
$(CHART_VENV)/.installed: Tests/chart/requirements.txt
	python3 -m venv $(CHART_VENV)
	$(CHART_VENV)/bin/pip install -q --disable-pip-version-check -r Tests/chart/requirements.txt
	touch $@

chart-test: chart-venv
	cd Tests/chart && ../../$(CHART_PY) -m pytest -q -p no:cacheprovider

## chart-docs / chart-manifest: regenerate the chart README's values table / deploy/provider-azure-installer.yaml.
chart-docs: chart-venv
	cd Tests/chart && ../../$(CHART_PY) values_doc.py --write

chart-manifest: chart-venv
	cd Tests/chart && ../../$(CHART_PY) render_manifest.py --write

## image-check: build the Dockerfile's runtime root filesystem from Debian packages, put the release binary
## in it and serve Version and a Mount against the local fakes from inside it (chroot). Needs the release
## build (about 12 minutes on 2 cores), so it is not part of `make test`.
image-check: deps venv
	bash scripts/image/check-runtime-root.sh

## fuzz: build the libFuzzer targets of Fuzz/ (release, -sanitize=fuzzer,address; the whole dependency graph,
## about 15 minutes the first time) and run each for FUZZ_TIME seconds (default 600), one at a time at nice 19,
## seeded from the repository's fixtures. Crashing inputs: Fuzz/.build-release-fuzz/artifacts/. docs/fuzzing.md.
## Not part of `make test`.
FUZZ_TIME ?= 600
FUZZ_TARGETS ?= FuzzParameters FuzzMountRequest FuzzContent
FUZZ_SCRATCH := Fuzz/.build-release-fuzz
.PHONY: fuzz fuzz-build
fuzz-build: deps
	nice -n 19 swift build --package-path Fuzz -c release --scratch-path $(FUZZ_SCRATCH) \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
fuzz: fuzz-build
	FUZZ_TIME=$(FUZZ_TIME) FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_SCRATCH=$(FUZZ_SCRATCH) Fuzz/run.sh

## test-sanitize: the Swift tests under ThreadSanitizer, then AddressSanitizer (debug builds in .build-tsan and
## .build-asan, at nice 19; 15 to 20 minutes each the first time on 2 busy cores). The suppressions (a TSan false positive of
## Synchronization.Mutex on Linux; leaks in XCTest, Foundation and the one-time OpenSSL provider loading)
## are explained in their files. KeyVaultContentTests run a second time with full malloc stacks (the system
## libcrypto has no frame pointers; slow unwinding makes the timing tests of the whole suite fail). Not part of
## `make test`. docs/fuzzing.md.
.PHONY: test-sanitize
test-sanitize: deps
	TSAN_OPTIONS="suppressions=$(CURDIR)/Tests/sanitizers/tsan-suppressions.txt" \
	  nice -n 19 swift test --sanitize=thread --scratch-path .build-tsan
	LSAN_OPTIONS="suppressions=$(CURDIR)/Tests/sanitizers/lsan-suppressions-fast-unwind.txt" \
	  nice -n 19 swift test --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=fast_unwind_on_malloc=0 LSAN_OPTIONS="suppressions=$(CURDIR)/Tests/sanitizers/lsan-suppressions.txt" \
	  nice -n 19 swift test --sanitize=address --scratch-path .build-asan --skip-build --filter KeyVaultContentTests

## bench: the release binary against the local fakes: prints one table (scripts/bench/run.py, docs/performance.md).
## Not part of `make test`: the run takes about 4 minutes.
bench: venv release
	$(PY) scripts/bench/run.py --binary $(RELEASE_BINARY)
