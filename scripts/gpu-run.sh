#!/usr/bin/env bash
# run.sh runs the GPU check bundle that scripts/gpu-check.sh (make
# gpu-check) built into gpu-check/, on a machine without Go. Run it from the
# repository root, whose working tree travels with the bundle:
#
#	bash gpu-check/run.sh
#
# It prints the environment (GPU, driver, NVRTC), runs every test binary of
# manifest.tsv in its package directory, at most GPU_CHECK_JOBS at a time,
# summarizes the random-kernel campaign, then runs dcbench -only
# gpu,nvrtc,cache alone, and prints one table ending in
# "gpu-check: N passed, M failed". The exit status is 1 if anything failed.
#
# Environment:
#
#   GPU_CHECK_BACKENDS  backends that must open and be tested (default
#                       cuda); the tests also run on cpu. Set it to cpu or
#                       opencl to try the bundle on a machine without a GPU.
#   GPU_CHECK_JOBS      test binaries run at once (default 8)
#   GPU_CHECK_TIMEOUT   seconds one test binary may run (default 240)
#   GPU_CHECK_BUDGET    seconds after which no further test binary starts
#                       and running ones are stopped (default 300); dcbench
#                       then gets at most 120 more
#   OUT                 if set, the table is also written to
#                       $OUT/gpu-check.txt and every binary's whole output to
#                       $OUT/gpu-check.log
set -u
start=$(date +%s)
bundle=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$bundle/.." && pwd)
backends=${GPU_CHECK_BACKENDS:-cuda}
jobs_max=${GPU_CHECK_JOBS:-8}
timeout_s=${GPU_CHECK_TIMEOUT:-240}
budget=${GPU_CHECK_BUDGET:-300}
work=$(mktemp -d /tmp/gpu-check.XXXXXX)
mkdir -p "$work/logs" "$work/res"

say() { printf 'gpu-check: %s\n' "$*" >&2; }
has() { case ",$backends," in *",$1,"*) return 0 ;; esac; return 1; }

# The environment every test binary sees: the backends under test must open
# (kerneltest fails otherwise), cpu runs beside them, and what they need is
# required rather than skipped.
export DC_REQUIRE_BACKENDS=$backends
if has cpu; then export DC_TEST_BACKENDS=$backends; else export DC_TEST_BACKENDS=$backends,cpu; fi
if has cuda; then export DC_REQUIRE_NVRTC=1 DC_REQUIRE_CUDA_DRIVER=1; fi
if has opencl; then export DC_REQUIRE_OPENCL=1; fi
export DC_CACHE_DIR=${DC_CACHE_DIR:-/tmp/dc-cache}
mkdir -p "$DC_CACHE_DIR"

# Binaries: unpacked from bundle.tar.xz into /tmp, or in gpu-check/bin.
if [ -f "$bundle/bundle.tar.xz" ]; then
	bin=$work/bin
	mkdir -p "$bin"
	if command -v xz >/dev/null; then
		xz -dc "$bundle/bundle.tar.xz" | tar -xf - -C "$bin" || { say "cannot unpack bundle.tar.xz"; exit 1; }
	elif command -v python3 >/dev/null; then
		python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' \
			"$bundle/bundle.tar.xz" "$bin" || { say "cannot unpack bundle.tar.xz"; exit 1; }
	else
		say "neither xz nor python3 is here to unpack bundle.tar.xz"
		exit 1
	fi
else
	bin=$bundle/bin
fi
[ -f "$bundle/manifest.tsv" ] || { say "no manifest.tsv in $bundle: run make gpu-check"; exit 1; }

# The environment part of the table.
{
	echo "dc GPU check, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -srm), $(nproc) CPUs"
	sed -n 's/^# \(dc GPU check bundle\|smith campaign\)/\1/p' "$bundle/manifest.tsv"
	echo "backends under test: $backends (DC_TEST_BACKENDS=$DC_TEST_BACKENDS DC_REQUIRE_BACKENDS=$DC_REQUIRE_BACKENDS${DC_REQUIRE_NVRTC:+ DC_REQUIRE_NVRTC=1}${DC_REQUIRE_CUDA_DRIVER:+ DC_REQUIRE_CUDA_DRIVER=1}${DC_REQUIRE_OPENCL:+ DC_REQUIRE_OPENCL=1})"
	if command -v nvidia-smi >/dev/null; then
		nvidia-smi -L 2>&1 | sed 's/^/GPU: /'
		echo "driver: $(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>&1 | head -1), CUDA $(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/\1/p' | head -1)"
	else
		echo "GPU: nvidia-smi not found"
	fi
	libcuda=$( (ldconfig -p 2>/dev/null | grep -o '/[^ ]*libcuda\.so\.1$'; ls /usr/local/nvidia/lib64/libcuda.so.1 2>/dev/null) | sort -u | tr '\n' ' ')
	echo "libcuda.so.1: ${libcuda:-not in the loader cache nor /usr/local/nvidia/lib64}"
	cuda_test=$(awk -F'\t' '$1 == "test" && $3 == "backends/cuda" {print $2}' "$bundle/manifest.tsv")
	if [ -n "$cuda_test" ]; then
		nvrtc=$(cd "$root/backends/cuda" && DC_REQUIRE_NVRTC=1 "$bin/$cuda_test" -test.run '^TestVersion$' -test.v 2>&1 | grep -o 'NVRTC [0-9.]* from .*\|DC_REQUIRE_NVRTC=1 but .*' | head -1)
		echo "NVRTC: ${nvrtc:-not reported by TestVersion}"
	fi
} >"$work/env.txt"
cat "$work/env.txt" >&2

# now_ms prints the time in milliseconds.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# secs prints milliseconds $1 as seconds with one decimal.
secs() { printf '%d.%d' $(($1 / 1000)) $((($1 % 1000) / 100)); }

# run_one runs test binary $2 in directory $3 for at most $4 seconds, and
# writes its log and its result line: status, passed, failed, skipped (tests
# and subtests), milliseconds.
run_one() {
	local idx=$1 name=$2 dir=$3 limit=$4 t1 rc status pass fail skip
	t1=$(now_ms)
	(cd "$root/$dir" && timeout -k 10 "$((limit + 15))" "$bin/$name" -test.v -test.count=1 -test.timeout="${limit}s") \
		>"$work/logs/$idx" 2>&1
	rc=$?
	pass=$(grep -cE '^ *--- PASS:' "$work/logs/$idx")
	fail=$(grep -cE '^ *--- FAIL:' "$work/logs/$idx")
	skip=$(grep -cE '^ *--- SKIP:' "$work/logs/$idx")
	if [ $rc -eq 0 ] && [ "$pass" -gt 0 ] && [ "$fail" -eq 0 ]; then
		status=PASS
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ] || grep -q '^panic: test timed out' "$work/logs/$idx"; then
		status=TIMEOUT
	else
		status=FAIL # a failure, a crash, or no test that passed
	fi
	echo "$status $pass $fail $skip $(($(now_ms) - t1))" >"$work/res/$idx"
}

# Test binaries in manifest order: backends/cuda first, then the campaign
# (its packages take longest: NVRTC compiles each), then the rest.
mapfile -t entries < <(grep -v '^#' "$bundle/manifest.tsv" | awk -F'\t' '
	$1 == "test" && $3 == "backends/cuda" {print 0 "\t" $0; next}
	$1 ~ /^smith/ {print 1 "\t" $0; next}
	$1 == "test" {print 2 "\t" $0}' | sort -s -t$'\t' -k1,1n | cut -f2-)
test_end=$((start + budget))
idx=0
for e in "${entries[@]}"; do
	IFS=$'\t' read -r kind name dir label <<<"$e"
	idx=$((idx + 1))
	printf '%s\t%s\t%s\t%s\n' "$kind" "$name" "$dir" "$label" >"$work/res/$idx.entry"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
	left=$((test_end - $(date +%s)))
	if [ "$left" -lt 20 ]; then
		echo "NOTRUN 0 0 0 0" >"$work/res/$idx"
		continue
	fi
	run_one "$idx" "$name" "$dir" "$((left < timeout_s ? left : timeout_s))" &
done
wait
n_entries=$idx

# dcbench runs alone, after the tests, so that nothing else loads the GPU.
bench_t1=$(date +%s)
timeout -k 10 120 "$bin/dcbench" -only gpu,nvrtc,cache >"$work/bench.out" 2>"$work/bench.err"
bench_rc=$?
bench_s=$(($(date +%s) - bench_t1))

# first_failure prints the first lines that say why the test binary of log
# $1 failed: the first failing test that has no failing subtest, with the
# first lines it logged, or else the lines of a crash or timeout, or else
# the last lines of the log.
first_failure() {
	local leaf
	leaf=$(sed -n 's/^ *--- FAIL: \([^ ]*\).*/\1/p' "$1" | awk '
		{ n[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				leaf = 1
				for (j = 1; j <= NR; j++) if (index(n[j], n[i] "/") == 1) leaf = 0
				if (leaf) { print n[i]; exit }
			}
		}')
	if [ -n "$leaf" ]; then
		echo "--- FAIL: $leaf"
		awk -v run="=== RUN   $leaf" '$0 == run { on = 1; next } on && /^(=== |--- | +--- )/ { exit } on && shown < 3 { print; shown++ }' "$1"
	elif grep -qE '^(panic|fatal error): ' "$1"; then
		# A crash or -test.timeout: what happened and the tests running.
		grep -m1 -A3 -E '^(panic|fatal error): ' "$1"
	else
		tail -n 3 "$1"
	fi | tr '\t' ' ' | grep -v '^ *$' | awk '!seen[$0]++' | head -4 | cut -c1-200 | sed 's/^ */        /'
}

passed=0
failed=0
{
	cat "$work/env.txt"
	echo
	printf '%-8s %-34s %9s %9s %9s %8s\n' STATUS "TEST BINARY (package dir)" PASSED FAILED SKIPPED SECONDS
	declare -A camp_n camp_nbad camp_bad camp_pass camp_fail camp_skip camp_ms camp_first
	for i in $(seq 1 "$n_entries"); do
		IFS=$'\t' read -r kind name dir label <"$work/res/$i.entry"
		read -r status pass fail skip ms <"$work/res/$i"
		if [ "$kind" = test ]; then
			printf '%-8s %-34s %9s %9s %9s %8s\n' "$status" "$label" "$pass" "$fail" "$skip" "$(secs "$ms")"
			if [ "$status" = PASS ]; then passed=$((passed + 1)); else
				failed=$((failed + 1))
				if [ "$status" = NOTRUN ]; then
					echo "        not started: the time budget (GPU_CHECK_BUDGET=${budget}s) was spent"
				else
					first_failure "$work/logs/$i"
				fi
			fi
			continue
		fi
		camp_n[$kind]=$((${camp_n[$kind]:-0} + 1))
		camp_pass[$kind]=$((${camp_pass[$kind]:-0} + pass))
		camp_fail[$kind]=$((${camp_fail[$kind]:-0} + fail))
		camp_skip[$kind]=$((${camp_skip[$kind]:-0} + skip))
		camp_ms[$kind]=$((${camp_ms[$kind]:-0} + ms))
		if [ "$status" != PASS ]; then
			[ "$status" = FAIL ] || label="$label ($status)"
			camp_bad[$kind]="${camp_bad[$kind]:-}${camp_bad[$kind]:+, }$label"
			camp_nbad[$kind]=$((${camp_nbad[$kind]:-0} + 1))
			[ -n "${camp_first[$kind]:-}" ] || camp_first[$kind]=$i
		fi
	done
	for kind in smith smith-faults; do
		[ -n "${camp_n[$kind]:-}" ] || continue
		title="TestSmith campaign"
		[ $kind = smith-faults ] && title="TestSmithFaults campaign"
		title="$title, ${camp_n[$kind]} pkgs"
		if [ -z "${camp_bad[$kind]:-}" ]; then status=PASS; passed=$((passed + 1)); else status=FAIL; failed=$((failed + 1)); fi
		printf '%-8s %-34s %9s %9s %9s %8s\n' "$status" "$title" "${camp_pass[$kind]}" "${camp_fail[$kind]}" "${camp_skip[$kind]}" "$(secs "${camp_ms[$kind]}")"
		if [ "$status" = FAIL ]; then
			echo "        ${camp_nbad[$kind]} of ${camp_n[$kind]} packages failed: ${camp_bad[$kind]}" | cut -c1-200
			i=${camp_first[$kind]}
			[ "$(cut -d' ' -f1 "$work/res/$i")" = NOTRUN ] || first_failure "$work/logs/$i"
		fi
	done
	echo "(a campaign's counts and seconds are sums over its packages, which ran in parallel)"
	echo
	# dcbench: its report minus the header line, then its verdict.
	sed -n '3,$p' "$work/bench.out" | sed '/^result: /d' | cat -s
	if grep -q 'unknown section' "$work/bench.err"; then
		echo "dcbench sections not in this build: $(grep -o 'unknown section "[^"]*"' "$work/bench.err" | cut -d'"' -f2 | tr '\n' ' ')"
	fi
	bench_status=PASS
	bench_note=""
	if [ $bench_rc -eq 124 ] || [ $bench_rc -eq 137 ]; then
		bench_status=TIMEOUT
	elif grep -q 'FAILED' "$work/bench.out"; then
		bench_status=FAIL
	elif has cuda && grep -q '^gpu: not measured' "$work/bench.out"; then
		bench_status=FAIL
		bench_note="the gpu section measured nothing: the cuda backend did not open"
	elif grep -q 'MISSED' "$work/bench.out"; then
		bench_status=MISSED
		bench_note="goals missed: $(grep -c MISSED "$work/bench.out")"
	elif [ $bench_rc -ne 0 ]; then
		bench_status=FAIL
	fi
	if [ "$bench_status" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
	printf '%-8s %-34s %s\n' "$bench_status" "dcbench -only gpu,nvrtc,cache" "exit $bench_rc, ${bench_s}s${bench_note:+, $bench_note}"
	[ "$bench_status" = FAIL ] && [ -z "$bench_note" ] && tail -3 "$work/bench.err" | sed 's/^/        /'
	echo
	echo "gpu-check: $passed passed, $failed failed ($(($(date +%s) - start))s)"
} >"$work/table.txt"

cat "$work/table.txt"
if [ -n "${OUT:-}" ]; then
	mkdir -p "$OUT"
	cp "$work/table.txt" "$OUT/gpu-check.txt"
	{
		cat "$work/env.txt"
		for i in $(seq 1 "$n_entries"); do
			IFS=$'\t' read -r kind name dir label <"$work/res/$i.entry"
			printf '\n===== %s (%s, in %s): %s\n' "$label" "$name" "$dir" "$(cat "$work/res/$i")"
			[ -f "$work/logs/$i" ] && cat "$work/logs/$i"
		done
		printf '\n===== dcbench -only gpu,nvrtc,cache: exit %s\n' "$bench_rc"
		cat "$work/bench.out" "$work/bench.err"
	} >"$OUT/gpu-check.log"
	if [ "$(stat -c %s "$OUT/gpu-check.log")" -gt $((15 << 20)) ]; then
		gzip -f "$OUT/gpu-check.log"
	fi
fi
rm -rf "$work"
[ "$failed" -eq 0 ]
