# Shared by scripts/test and scripts/demo: install what is missing, build.
# Source it; it defines functions and sets CREG_ROOT.

CREG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages creg needs to build, test and run (lld links several
# times faster than the default linker; see CMakeLists.txt; chromium and
# python3-websocket run the web explorer's browser tests, tests/explorer/;
# python3-cryptography is the independent implementation the cosignature
# known-answer test checks against, tests/ledger/cosignature_test.cc;
# etcd-server is the etcd the etcd client's tests start,
# tests/support/etcd_process.h, which in CI fail rather than skip without it).
CREG_PACKAGES=(
  cmake ninja-build g++ pkg-config openssl
  librocksdb-dev libboost-dev libprotobuf-dev protobuf-compiler libssl-dev libsodium-dev
  libgoogle-perftools-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libunistring-dev libcli11-dev
  python3-cryptography
  lld
  chromium python3-websocket
  etcd-server
)
# clang, for the fuzz targets (libFuzzer comes with it) and the ASan+UBSan
# build of scripts/test, installed by those two scripts:
# `ensure_packages "${CREG_CLANG_PACKAGES[@]}"`.
CREG_CLANG_PACKAGES=(clang libclang-rt-14-dev llvm)

# How the build folder that scripts/test and scripts/demo share is
# configured: optimised, assertions off, and line tables only (-g1, enough
# for stack traces and profiles; full -g makes every compile and link about
# a fifth slower).
CREG_MAIN_BUILD_ARGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCREG_WERROR=ON
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")

# Each line says how long the script has run, so a slow CI stage shows.
log() { printf '\033[1m==>\033[0m [%dm%02ds] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }

# Installs the packages that are missing; quiet and offline when all are there.
ensure_packages() {
  local missing=()
  local pkg
  for pkg in "${CREG_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing missing packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build_creg BUILD_DIR [cmake args...]: configure (again when the
# arguments changed since the last time), then build.
# CREG_BUILD_TARGETS="a b" builds only those targets (and what they need).
build_creg() {
  local dir="$1"
  shift
  local args_file="$dir/.creg-cmake-args"
  if [ ! -f "$dir/build.ninja" ] || [ "$(cat "$args_file" 2>/dev/null)" != "$*" ]; then
    log "configuring $dir"
    cmake -S "$CREG_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
    printf '%s' "$*" >"$args_file"
  fi
  log "building $dir"
  local jobs targets
  jobs="$(nproc 2>/dev/null || echo 2)"
  if [ -n "${CREG_BUILD_TARGETS:-}" ]; then
    read -r -a targets <<<"${CREG_BUILD_TARGETS//$'\n'/ }"
    cmake --build "$dir" --parallel "$jobs" --target "${targets[@]}"
  else
    cmake --build "$dir" --parallel "$jobs"
  fi
}
