#!/usr/bin/env bash
# gpu-check.sh builds the GPU check bundle (make gpu-check) into gpu-check/
# at the repository root, for a GPU machine that has no Go toolchain:
#
#   - the test binaries (go test -c, CGO_ENABLED=0, stripped) of every
#     package whose tests run kernels on devices: the packages whose tests
#     call kerneltest.Devices, kerneltest.Run or runtime.Open (found with
#     grep, so new golden cases come along), and backends/cuda;
#   - the test binaries of a random-kernel campaign: the packages that
#     internal/smith's TestSmith and TestSmithFaults would generate, written
#     by scripts/smithgen, since TestSmith itself needs the go command;
#   - dcbench;
#   - manifest.tsv, which lists each binary with the directory, relative to
#     the repository root, that it runs in (tests read files there);
#   - run.sh, a copy of scripts/gpu-run.sh, which runs it all.
#
# When the binaries exceed 45 MiB they are packed into bundle.tar.xz, which
# run.sh unpacks into /tmp. The working tree travels with the bundle, so the
# package directories exist on the GPU machine.
#
# Environment:
#
#   DC_SMITH_SEEDS        TestSmith packages in the campaign (default 24)
#   DC_SMITH_FAULT_SEEDS  TestSmithFaults packages (default 12)
#   DC_SMITH_SEED0        first seed of both (default 1000)
#   DC_SMITH_KERNELS      kernels per package (default 8)
#   GPU_CHECK_XZ          xz preset of the bundle (default -9)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/gpu-check
smith_seeds=${DC_SMITH_SEEDS:-24}
fault_seeds=${DC_SMITH_FAULT_SEEDS:-12}
seed0=${DC_SMITH_SEED0:-1000}
smith_kernels=${DC_SMITH_KERNELS:-8}
xz_preset=${GPU_CHECK_XZ:--9}
GO=${GO:-go}
export CGO_ENABLED=0 GOWORK=off

log() { printf 'gpu-check: %s\n' "$*"; }
t0=$(date +%s)
step=$t0
# lap prints how long the step since the previous lap took.
lap() {
	local now
	now=$(date +%s)
	log "$1 ($((now - step))s)"
	step=$now
}

rm -rf "$out"
mkdir -p "$out"
stage=$(mktemp -d "${TMPDIR:-/tmp}/gpu-check-build.XXXXXX")
# The generated smith packages must lie inside the module; the dot keeps
# them out of ./... patterns. Neither they nor the stage stay behind.
smith_dir=gpu-check/.smith
trap 'rm -rf "$stage" "$root/$smith_dir"' EXIT
mkdir -p "$stage/bin"

# Packages whose tests run kernels on devices. Excluded although their tests
# open backends: runtime (only the cpu backend and backends of its own
# tests), backends/cpu (the CPU only), backends/opencl (OpenCL only) and
# the module's root package (its TestTutorial needs the go command).
opens='kerneltest\.(Devices|Run)\(|(runtime|dcrt|dcruntime)\.Open\('
pkgs=()
while IFS= read -r dir; do
	rel=${dir#"$root"/}
	case $rel in
	"$root" | runtime | backends/cpu | backends/opencl) continue ;;
	backends/cuda) pkgs+=("$rel") ;;
	*) if grep -qE "$opens" "$dir"/*_test.go 2>/dev/null; then pkgs+=("$rel"); fi ;;
	esac
done < <($GO list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.Dir}}{{end}}' ./... ./testdata/golden/...)
if [ ! -d backends/cuda ]; then
	log "backends/cuda is missing"
	exit 1
fi
lap "${#pkgs[@]} packages whose tests run kernels: ${pkgs[*]}"

mapfile -t smith_pkgs < <($GO run ./scripts/smithgen -dir "$smith_dir" -seeds "$smith_seeds" -seed0 "$seed0" -kernels "$smith_kernels")
mapfile -t fault_pkgs < <($GO run ./scripts/smithgen -dir "$smith_dir" -seeds "$fault_seeds" -seed0 "$seed0" -kernels "$smith_kernels" -faults)
if [ "${#smith_pkgs[@]}" -ne "$smith_seeds" ] || [ "${#fault_pkgs[@]}" -ne "$fault_seeds" ]; then
	log "smithgen wrote ${#smith_pkgs[@]} and ${#fault_pkgs[@]} packages, want $smith_seeds and $fault_seeds"
	exit 1
fi
lap "generated $smith_seeds TestSmith and $fault_seeds TestSmithFaults packages of $smith_kernels kernels, seeds from $seed0"

# One go command builds every test binary, in parallel; it names them after
# the last element of the package path, which must therefore be unique.
all=("${pkgs[@]}" "${smith_pkgs[@]}" "${fault_pkgs[@]}")
dups=$(printf '%s\n' "${all[@]}" | sed 's|.*/||' | sort | uniq -d)
if [ -n "$dups" ]; then
	log "test packages share a last path element, which go test -c -o DIR/ cannot build together: $dups"
	exit 1
fi
$GO test -c -vet=off -trimpath -ldflags='-s -w' -o "$stage/bin/" "${all[@]/#/./}"
$GO build -trimpath -ldflags='-s -w' -o "$stage/bin/dcbench" ./cmd/dcbench
lap "built ${#all[@]} test binaries and dcbench"

# manifest.tsv: kind, binary, directory to run it in, label.
manifest=$out/manifest.tsv
{
	printf '# dc GPU check bundle: built %s from %s%s with %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		"$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
		"$(git diff --quiet HEAD -- 2>/dev/null || echo ' (with uncommitted changes)')" "$($GO env GOVERSION)"
	printf '# smith campaign: DC_SMITH_SEED0=%s DC_SMITH_SEEDS=%s DC_SMITH_FAULT_SEEDS=%s DC_SMITH_KERNELS=%s\n' \
		"$seed0" "$smith_seeds" "$fault_seeds" "$smith_kernels"
	printf '# kind\tbinary\tdir\tlabel\n'
	for rel in "${pkgs[@]}"; do
		name=${rel//\//_}.test
		[ "$name" = "${rel##*/}.test" ] || mv "$stage/bin/${rel##*/}.test" "$stage/bin/$name"
		printf 'test\t%s\t%s\t%s\n' "$name" "$rel" "$rel"
	done
	for kind in smith smith-faults; do
		if [ $kind = smith ]; then set -- "${smith_pkgs[@]}"; else set -- "${fault_pkgs[@]}"; fi
		for rel in "$@"; do
			base=${rel##*/}
			mv "$stage/bin/$base.test" "$stage/bin/smith_$base.test"
			# The generated packages are not in the working tree: their
			# tests read no files and run at the repository root.
			printf '%s\tsmith_%s.test\t.\t%s\n' "$kind" "$base" "$base"
		done
	done
	printf 'bench\tdcbench\t.\tdcbench\n'
} >"$manifest"

raw=$(du -sb "$stage/bin" | cut -f1)
if [ "$raw" -gt $((45 << 20)) ]; then
	# Sorted names keep similar binaries next to each other in the stream,
	# where xz finds what they share. One block per core: each thread
	# compresses its share of the stream with the whole dictionary (on 2
	# cores -9 gives 21 MB in 100s, against 20 MB in 180s on one).
	threads=$(nproc)
	(cd "$stage/bin" && ls | LC_ALL=C sort | tar -cf - -T - |
		xz "$xz_preset" -T"$threads" --block-size=$(((raw + (threads << 20)) / threads)) >"$out/bundle.tar.xz")
	lap "packed $((raw >> 20)) MiB of binaries into bundle.tar.xz with xz $xz_preset on $threads threads"
else
	mv "$stage/bin" "$out/bin"
	lap "$((raw >> 20)) MiB of binaries, left unpacked in gpu-check/bin"
fi
cp scripts/gpu-run.sh "$out/run.sh"
chmod +x "$out/run.sh"

rm -rf "${root:?}/$smith_dir"
bundle=$(du -sb "$out" | cut -f1)
tree=$(git ls-files -co --exclude-standard -z | du -cb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
total=$((bundle + tree))
log "bundle: gpu-check/ is $((bundle >> 10)) KiB ($(ls "$out" | tr '\n' ' ')); with the working tree ($((tree >> 10)) KiB) $((total >> 10)) KiB travel, limit 65536 KiB"
log "built in $(($(date +%s) - t0))s; run it on the GPU machine as: bash gpu-check/run.sh (carry gpu-check)"
if [ "$total" -gt $((64 << 20)) ]; then
	log "over the 64 MiB that can travel: lower DC_SMITH_SEEDS or DC_SMITH_FAULT_SEEDS"
	exit 1
fi
