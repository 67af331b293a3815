# dc's build entry points. `make test` is what CI runs (through .ci/run).

GO ?= go

.PHONY: deps build generate check-generated demo images tidy test test-simd bench gpu-check

# deps installs NVRTC and the CUDA driver library (Debian's libcuda1, which
# loads without a GPU) into ${DC_DEPS_DIR:-$HOME/.cache/dc} (no root
# needed) and, as root, PoCL, the OpenCL ICD loader and clang-16.
deps:
	bash scripts/install-deps.sh

# build checks that everything builds without cgo, here and for macOS, and
# vets the macOS build (the Metal backend's darwin-only files).
build:
	CGO_ENABLED=0 $(GO) build ./...
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 $(GO) build ./...
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 $(GO) vet ./...

# generate regenerates the standard kernel library (kernels/), the
# examples' kernels and the benchmark kernels.
generate:
	$(GO) generate $(GENERATED)

# check-generated fails if a generated package (the kernel library, the
# examples and the benchmark kernels) differs from what dckgen writes now:
# dckgen -check compares every generated file there (device sources
# included) without writing, then go generate runs the packages' own
# //go:generate lines, so the check uses the same -emit, and git reports
# any file that changed or is new.
GENERATED = ./kernels ./examples/mandelbrot ./examples/heat ./examples/nbody ./internal/benchkernels ./internal/cpubench
check-generated:
	@$(GO) run ./cmd/dckgen -check $(GENERATED) || { echo "generated code is stale: run 'make generate' and commit"; exit 1; }
	@$(GO) generate $(GENERATED)
	@git diff --exit-code -- $(GENERATED) || { echo "generated code is stale: run 'make generate' and commit"; exit 1; }
	@test -z "$$(git status --porcelain -- $(GENERATED))" || { git status --porcelain -- $(GENERATED); echo "untracked generated files"; exit 1; }

# demo runs the standard kernels on the best backend present.
demo:
	$(GO) run ./examples/demo

# images runs the examples and writes the pictures the README shows.
images:
	$(GO) run ./examples/mandelbrot -o docs/images/mandelbrot.png
	$(GO) run ./examples/heat -o docs/images/heat.png
	$(GO) run ./examples/nbody -o docs/images/nbody.png

# tidy fails if go.mod or go.sum differ from what go mod tidy writes.
tidy:
	$(GO) mod tidy -diff

# test installs the dependencies first when run as root, then builds,
# vets and runs every test, the golden cases' end-to-end tests included.
test:
	@if [ "$$(id -u)" -eq 0 ]; then $(MAKE) --no-print-directory deps; \
	else echo "make test: not root, skipping deps (run 'make deps' for NVRTC and the CUDA driver library; PoCL and clang-16 need root)"; fi
	$(MAKE) --no-print-directory build
	$(MAKE) --no-print-directory tidy
	$(GO) vet ./... ./testdata/golden/...
	$(MAKE) --no-print-directory check-generated
	$(GO) test ./... ./testdata/golden/...

# test-simd builds with GOEXPERIMENT=simd and compares the SIMD bodies of
# the elementwise float32 kernels (dc_kernels_simd.go) bit for bit with
# their scalar CPU bodies and dc.Emulate, the vector Exp and Log of
# backends/cpu/vmath with package math's, and runs the golden cases that
# have SIMD bodies end to end. Plain `go test` does not compile these
# tests: they need the experiment, whose first build recompiles the
# standard library (over a minute), so make test leaves them out.
SIMD_PACKAGES = ./kernels ./internal/cpubench ./backends/cpu/vmath ./testdata/golden/saxpy ./testdata/golden/faults ./testdata/golden/mathfn ./testdata/golden/selects
test-simd:
	GOEXPERIMENT=simd $(GO) vet $(SIMD_PACKAGES)
	GOEXPERIMENT=simd $(GO) test -v -run SIMD ./kernels ./internal/cpubench
	GOEXPERIMENT=simd $(GO) test $(SIMD_PACKAGES)

# bench prints the performance report (times and ratios measured in one run).
bench:
	$(GO) run ./cmd/dcbench

# gpu-check builds gpu-check/: test binaries, dcbench and a runner for a GPU
# machine without Go (scripts/gpu-check.sh says what is in it). Carry
# gpu-check/ there with the working tree and run: bash gpu-check/run.sh
gpu-check:
	bash scripts/gpu-check.sh
