#!/usr/bin/env bash
# install-deps.sh installs the real native components dc's tests use:
#
#   - NVRTC (Debian non-free libnvrtc11.2 + libnvrtc-builtins11.8), unpacked
#     with dpkg -x into ${DC_CACHE:-$HOME/.cache/dc}/nvrtc. The system apt
#     configuration is never touched: a private sources dir, lists dir and
#     cache dir are used, so this part also works without root.
#   - PoCL and the OpenCL ICD loader (pocl-opencl-icd, ocl-icd-libopencl1),
#     and clang-16; installed with apt-get only when running as root,
#     otherwise the missing packages are printed.
#
# It is idempotent and returns at once when everything is in place.
# Set DC_SKIP_NVRTC=1 or DC_SKIP_SYSTEM=1 to skip either part.
set -euo pipefail

cache="${DC_CACHE:-$HOME/.cache/dc}"
nvrtc_root="$cache/nvrtc"
case "$(dpkg --print-architecture 2>/dev/null || uname -m)" in
arm64 | aarch64) multiarch=aarch64-linux-gnu ;;
ppc64el | ppc64le) multiarch=powerpc64le-linux-gnu ;;
*) multiarch=x86_64-linux-gnu ;;
esac
nvrtc_lib="$nvrtc_root/usr/lib/$multiarch"

log() { printf 'install-deps: %s\n' "$*"; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# pkg_installed reports whether the Debian package $1 is installed.
pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

install_nvrtc() {
	if [ -e "$nvrtc_lib/libnvrtc.so.11.2" ] && [ -e "$nvrtc_lib/libnvrtc-builtins.so.11.8" ]; then
		log "nvrtc already in $nvrtc_lib"
		return
	fi
	if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
		log "nvrtc: apt-get and dpkg are needed to fetch Debian's libnvrtc11.2; set DC_NVRTC_DIR to a folder with libnvrtc.so.* instead"
		return
	fi
	local apt="$cache/apt"
	mkdir -p "$apt/sources" "$apt/lists/partial" "$apt/cache/archives/partial" "$nvrtc_root"
	cat >"$apt/sources/nonfree.sources" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	local opts=(
		-o Dir::Etc::SourceList=/dev/null
		-o "Dir::Etc::SourceParts=$apt/sources"
		-o "Dir::State::Lists=$apt/lists"
		-o "Dir::Cache=$apt/cache"
		-o APT::Sandbox::User=root
		-o Debug::NoLocking=1
		-q
	)
	log "nvrtc: updating the private non-free package list"
	apt-get "${opts[@]}" update >/dev/null
	local tmp="$apt/download" deb
	rm -rf "$tmp" && mkdir -p "$tmp"
	log "nvrtc: downloading libnvrtc11.2 libnvrtc-builtins11.8"
	(cd "$tmp" && apt-get "${opts[@]}" download libnvrtc11.2 libnvrtc-builtins11.8 >/dev/null)
	for deb in "$tmp"/*.deb; do
		dpkg -x "$deb" "$nvrtc_root"
		log "nvrtc: unpacked $(basename "$deb")"
	done
	rm -rf "$tmp"
	if [ ! -e "$nvrtc_lib/libnvrtc.so.11.2" ] || [ ! -e "$nvrtc_lib/libnvrtc-builtins.so.11.8" ]; then
		log "nvrtc: the packages did not contain the expected libraries in $nvrtc_lib" >&2
		exit 1
	fi
	log "nvrtc installed in $nvrtc_lib"
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
[ "${DC_SKIP_SYSTEM:-}" = 1 ] || install_system
log "nvrtc libraries: $nvrtc_lib (override with DC_NVRTC_DIR)"
