#!/usr/bin/env bash
# install-deps.sh installs the real native components dc's tests use:
#
#   - NVRTC (Debian non-free libnvrtc11.2 + libnvrtc-builtins11.8), unpacked
#     with dpkg -x into ${DC_DEPS_DIR:-$HOME/.cache/dc}/nvrtc.
#   - The CUDA driver library (Debian non-free libcuda1 +
#     libnvidia-ptxjitcompiler1, driver 535), unpacked with dpkg -x into
#     ${DC_DEPS_DIR:-$HOME/.cache/dc}/cuda. It loads without a GPU, so the
#     driver's version and no-device paths are tested on any machine; on a
#     GPU machine the installed NVIDIA driver is used instead.
#   - PoCL and the OpenCL ICD loader (pocl-opencl-icd, ocl-icd-libopencl1),
#     and clang-16; installed with apt-get only when running as root,
#     otherwise the missing packages are printed.
#
# The first two parts never touch the system apt configuration: a private
# sources dir, lists dir and cache dir are used, so they also work without
# root.
#
# It is idempotent and returns at once when everything is in place.
# Set DC_SKIP_NVRTC=1, DC_SKIP_CUDA=1 or DC_SKIP_SYSTEM=1 to skip a part.
set -euo pipefail

deps="${DC_DEPS_DIR:-$HOME/.cache/dc}"
nvrtc_root="$deps/nvrtc"
cuda_root="$deps/cuda"
case "$(dpkg --print-architecture 2>/dev/null || uname -m)" in
arm64 | aarch64) multiarch=aarch64-linux-gnu ;;
ppc64el | ppc64le) multiarch=powerpc64le-linux-gnu ;;
*) multiarch=x86_64-linux-gnu ;;
esac
nvrtc_lib="$nvrtc_root/usr/lib/$multiarch"
cuda_lib="$cuda_root/usr/lib/$multiarch/nvidia/current"

log() { printf 'install-deps: %s\n' "$*"; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# pkg_installed reports whether the Debian package $1 is installed.
pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

# have_apt reports whether apt-get and dpkg are there to fetch Debian
# packages; without them it says what to do instead, for the part $1.
have_apt() {
	if command -v apt-get >/dev/null && command -v dpkg >/dev/null; then
		return 0
	fi
	log "$1: apt-get and dpkg are needed to fetch Debian's packages; $2"
	return 1
}

# private_apt_update writes the private apt configuration (Debian bookworm
# non-free) under $deps/apt and updates its package lists, once per run.
apt_opts=()
private_apt_update() {
	[ "${#apt_opts[@]}" -eq 0 ] || return 0
	local apt="$deps/apt"
	mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/cache/archives/partial"
	cat >"$apt/sources/nonfree.sources" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt_opts=(
		-o Dir::Etc::SourceList=/dev/null
		-o "Dir::Etc::SourceParts=$apt/sources"
		-o "Dir::State::Lists=$apt/lists"
		-o "Dir::Cache=$apt/cache"
		-o APT::Sandbox::User=root
		-o Debug::NoLocking=1
		-q
	)
	log "updating the private non-free package list"
	apt-get "${apt_opts[@]}" update >/dev/null
}

# unpack_debs downloads the Debian packages $3... with the private apt
# configuration and unpacks them with dpkg -x into $2; $1 names the part.
unpack_debs() {
	local part="$1" root="$2" tmp deb
	shift 2
	private_apt_update
	tmp="$deps/apt/download-$part"
	rm -rf "$tmp" && mkdir -p "$tmp" "$root"
	log "$part: downloading $*"
	(cd "$tmp" && apt-get "${apt_opts[@]}" download "$@" >/dev/null)
	for deb in "$tmp"/*.deb; do
		dpkg -x "$deb" "$root"
		log "$part: unpacked $(basename "$deb")"
	done
	rm -rf "$tmp"
}

install_nvrtc() {
	if [ -e "$nvrtc_lib/libnvrtc.so.11.2" ] && [ -e "$nvrtc_lib/libnvrtc-builtins.so.11.8" ]; then
		log "nvrtc already in $nvrtc_lib"
		return
	fi
	have_apt nvrtc "set DC_NVRTC_DIR to a folder with libnvrtc.so.* instead" || return 0
	unpack_debs nvrtc "$nvrtc_root" libnvrtc11.2 libnvrtc-builtins11.8
	if [ ! -e "$nvrtc_lib/libnvrtc.so.11.2" ] || [ ! -e "$nvrtc_lib/libnvrtc-builtins.so.11.8" ]; then
		log "nvrtc: the packages did not contain the expected libraries in $nvrtc_lib" >&2
		exit 1
	fi
	log "nvrtc installed in $nvrtc_lib"
}

install_cuda_driver() {
	if [ -e "$cuda_lib/libcuda.so.1" ]; then
		log "cuda driver already in $cuda_lib"
		return
	fi
	have_apt cuda "install the NVIDIA driver or set DC_CUDA_LIBRARY to a libcuda.so.1 instead" || return 0
	unpack_debs cuda "$cuda_root" libcuda1 libnvidia-ptxjitcompiler1
	if [ ! -e "$cuda_lib/libcuda.so.1" ] || [ ! -e "$cuda_lib/libnvidia-ptxjitcompiler.so.1" ]; then
		log "cuda: the packages did not contain the expected libraries in $cuda_lib" >&2
		exit 1
	fi
	log "cuda driver installed in $cuda_lib"
}

install_system() {
	local want=(pocl-opencl-icd ocl-icd-libopencl1 clang-16) missing=() p
	for p in "${want[@]}"; do
		pkg_installed "$p" || missing+=("$p")
	done
	if [ "${#missing[@]}" -eq 0 ]; then
		log "system packages already installed: ${want[*]}"
		return
	fi
	if ! is_root; then
		log "not root: install these yourself: apt-get install -y --no-install-recommends ${missing[*]}"
		return
	fi
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -q >/dev/null
		apt-get install -y --no-install-recommends "${missing[@]}"
	fi
	log "installed ${missing[*]}"
}

[ "${DC_SKIP_NVRTC:-}" = 1 ] || install_nvrtc
[ "${DC_SKIP_CUDA:-}" = 1 ] || install_cuda_driver
[ "${DC_SKIP_SYSTEM:-}" = 1 ] || install_system
log "nvrtc libraries: $nvrtc_lib (override with DC_NVRTC_DIR)"
log "cuda driver library: $cuda_lib (override with DC_CUDA_LIBRARY)"
