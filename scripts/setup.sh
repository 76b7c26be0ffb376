#!/usr/bin/env bash
# One idempotent set-up for a fresh Debian/Ubuntu machine with Python 3.11, shared by
# scripts/run, scripts/test, .ci/run and the Dockerfile. A second run skips what is done.
#   scripts/setup.sh run       system packages, .venv, default models
#   scripts/setup.sh test      the same plus test tools (chromium, dev packages)
#   scripts/setup.sh runtime   only the system packages the service needs at run time
#                              (the Dockerfile's final stage)
set -euo pipefail
profile="${1:-run}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# --- system packages ------------------------------------------------------
runtime_pkgs=(espeak-ng sox)      # Mandarin TTS fallback; audio conversion
build_pkgs=(cmake g++ make)       # llama-cpp-python compiles from source
case "$profile" in
  runtime) apt_pkgs=("${runtime_pkgs[@]}") ;;
  run) apt_pkgs=("${runtime_pkgs[@]}" "${build_pkgs[@]}") ;;
  # SIPp (sip-tester) and baresip are the phone line's real SIP peers in the tests; Kamailio
  # (SIP) and HAProxy (HTTP) the fronts before several workers, PostgreSQL their shared
  # database (the tests run their own servers, not the packaged services); CJK fonts make the
  # console's screenshots readable
  test) apt_pkgs=("${runtime_pkgs[@]}" "${build_pkgs[@]}" chromium fonts-noto-cjk sip-tester baresip
                kamailio haproxy postgresql) ;;
  *) echo "usage: $0 run|test|runtime" >&2; exit 2 ;;
esac
[ "${HOTLINE_SKIP_APT:-0}" = 1 ] && apt_pkgs=()
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ "$profile" = runtime ] && exit 0

# --- virtual environment and Python packages -------------------------------
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($python --version)"
  "$python" -m venv .venv
fi
extras=""
[ "$profile" = test ] && extras="[dev]"
stamp=.venv/.hotline-installed
want="$profile $(cat pyproject.toml requirements.lock | sha256sum | cut -c1-16)"
have="$(cat "$stamp" 2>/dev/null || true)"
# The test profile includes the run profile's packages.
if [ "$have" != "$want" ] && ! { [ "$profile" = run ] && [ "${have#test }" != "$have" ] && [ "${have#test }" = "${want#run }" ]; }; then
  say "installing Python packages (llama-cpp-python compiles from source the first time: ~4 min)"
  .venv/bin/python -m pip install -q --upgrade pip
  # Portable build: no -march=native, so the wheel pip caches runs on any x86-64 host.
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF" FORCE_CMAKE=1 \
    .venv/bin/python -m pip install -q -c requirements.lock -e ".$extras"
  echo "$want" > "$stamp"
fi

# --- default models ----------------------------------------------------------
.venv/bin/hotline models install
say "ready ($profile)"
