# dc's build entry points. `make test` is what CI runs (through .ci/run).

GO ?= go

.PHONY: deps build test

# deps installs NVRTC into ${DC_CACHE:-$HOME/.cache/dc}/nvrtc (no root
# needed) and, as root, PoCL, the OpenCL ICD loader and clang-16.
deps:
	bash scripts/install-deps.sh

# build checks that everything builds without cgo.
build:
	CGO_ENABLED=0 $(GO) build ./...

# test installs the dependencies first when run as root, then vets and tests.
test:
	@if [ "$$(id -u)" -eq 0 ]; then $(MAKE) --no-print-directory deps; \
	else echo "make test: not root, skipping deps (run 'make deps' for NVRTC)"; fi
	$(GO) vet ./...
	$(GO) test ./...
