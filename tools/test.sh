#!/usr/bin/env bash
# Installs what is missing, builds and runs every test: the README's test command and what
# CI runs (.ci/run). Stages, in order, stopping at the first failure:
#
#   deps     tools/install-deps.sh --cross --armhf --image (apt packages by name; quick when all is there)
#   dev      Debug build, warnings are errors, all ctest tests (unit, fuzz corpora, integration)
#   asan     the same under AddressSanitizer + UBSan
#   aarch64  cross build for 64-bit ARM, unit tests under qemu-aarch64-static
#   armhf    cross build for 32-bit ARM, unit tests under qemu-arm-static
#   package  the .deb for amd64, arm64 and armhf (tools/package-deb: lintian, no errors), the
#            amd64 one installed, upgraded, removed and purged in a scratch root
#   system   the arm64 image (tools/make-image, its base cached by its inputs) booted under
#            qemu-system-aarch64: the appliance checks and MG_POWERCUT_ROUNDS (3) power cuts
#   fuzz     clang/libFuzzer build of every *_fuzz target, each run MG_FUZZ_SECONDS (20) over its corpus
#
# Options: --no-cross (only amd64: no aarch64, armhf, ARM packages or system test), --no-armhf,
#          --no-system, --no-fuzz, --only "dev asan ...", --skip-deps,
#          --no-skips (a skipped test fails the run; always so under CI=true).
# Environment: MG_WERROR (default ON), MG_FUZZ_SECONDS (default 20), MG_POWERCUT_ROUNDS (3).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
exec </dev/null            # CI has no stdin; nothing here may wait for input

export MG_WERROR="${MG_WERROR:-ON}"
export MG_FUZZ_SECONDS="${MG_FUZZ_SECONDS:-20}"
export MG_POWERCUT_ROUNDS="${MG_POWERCUT_ROUNDS:-3}"
# ccache: let a fresh clone in another directory reuse earlier objects.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:strict_init_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export CTEST_OUTPUT_ON_FAILURE=1

stages=(deps dev asan aarch64 armhf package system fuzz)
cross=1 armhf=1 system=1 fuzz=1 only=""
# In CI a skipped test is a failed test: a missing peer is a missing install step.
no_skips=0
[ "${CI:-}" = "true" ] && no_skips=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-cross) cross=0 ;;
    --armhf) armhf=1 ;;   # the default now; kept so older command lines still work
    --no-armhf) armhf=0 ;;
    --no-system) system=0 ;;
    --no-fuzz) fuzz=0 ;;
    --skip-deps) stages=("${stages[@]/deps}") ;;
    --only) shift; only="${1:-}" ;;
    --no-skips) no_skips=1 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

LOGDIR="$ROOT/build/logs"
mkdir -p "$LOGDIR"
summary=()
total_passed=0 total_failed=0 total_skipped=0
t_all=$(date +%s)

hms() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# ctest_run LOGNAME ARGS...: runs ctest, tees its output, adds its counts to the totals.
last_counts=""
ctest_run() {
  local log="$LOGDIR/$1.ctest.log"; shift
  ctest "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line failed total skipped
  line="$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)"
  if [ -n "$line" ]; then
    failed="$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
    total="$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")"
    # ctest counts a skipped test among the passed ones and lists it as "(Skipped)".
    skipped="$(grep -cE '^[[:space:]]*[0-9]+ - .* \(Skipped\)$' "$log")"
    total_passed=$((total_passed + total - failed - skipped)); total_failed=$((total_failed + failed))
    total_skipped=$((total_skipped + skipped))
    last_counts="$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
    if [ "$skipped" != 0 ] && [ "$no_skips" = 1 ]; then
      echo "skipped tests (a skip is a failure here: install what they need, see tools/install-deps.sh):"
      grep -E '^[[:space:]]*[0-9]+ - .* \(Skipped\)$' "$log"
      [ "$rc" = 0 ] && rc=1
    fi
  elif grep -q 'No tests were found' "$log"; then
    last_counts="no tests"
  fi
  return "$rc"
}

build_and_test() {  # PRESET [extra ctest args]
  local p=$1; shift
  cmake --preset "$p" >"$LOGDIR/$p.configure.log" 2>&1 || { cat "$LOGDIR/$p.configure.log"; echo "configure of preset $p failed"; return 1; }
  cmake --build --preset "$p" 2>&1 | tee "$LOGDIR/$p.build.log" | grep --line-buffered -E 'error|warning:|Error|Built target' ; local rc=${PIPESTATUS[0]}
  if [ "$rc" != 0 ]; then
    echo "--- last lines of build/logs/$p.build.log:"; tail -n 40 "$LOGDIR/$p.build.log"
    echo "build of preset $p failed (full log: build/logs/$p.build.log)"; return 1
  fi
  ctest_run "$p" --preset "$p" "$@"
}

stage_deps() {
  local args=()
  [ "$cross" = 1 ] && args+=(--cross)
  [ "$cross" = 1 ] && [ "$armhf" = 1 ] && args+=(--armhf)
  args+=(--image)
  "$ROOT/tools/install-deps.sh" "${args[@]}"
}
stage_dev() { build_and_test dev; }
stage_asan() { build_and_test asan; }
stage_aarch64() { build_and_test aarch64; }
stage_armhf() { build_and_test armhf; }

# mmdebstrap --mode=root and the image's root-owned files need root; say so, don't half-run.
need_root() {
  [ "$(id -u)" = 0 ] && return 0
  echo "stage $1 needs root (mmdebstrap and the image's root-owned files): run tools/test.sh as root, or --only the other stages"
  return 1
}

# The .debs, lintian on each, the amd64 one through install/upgrade/remove/purge, and the
# stripped program sizes of each architecture (docs/BENCHMARKS.md records them).
stage_package() {
  local arches=(amd64) a deb n=0
  need_root package || return 1
  [ "$cross" = 1 ] && arches+=(arm64)
  [ "$cross" = 1 ] && [ "$armhf" = 1 ] && arches+=(armhf)
  for a in "${arches[@]}"; do
    echo "--- package $a"
    "$ROOT/tools/package-deb" "$a" 2>&1 | tee "$LOGDIR/package-$a.log" | grep -vE '^\[ *[0-9]+%\]'
    [ "${PIPESTATUS[0]}" = 0 ] || { echo "package $a failed (build/logs/package-$a.log)"; return 1; }
    n=$((n + 1))
  done
  echo "--- stripped program sizes (bytes, as packaged)"
  for a in "${arches[@]}"; do
    deb="$(ls "$ROOT"/build/*/mailgate_*_"$a".deb | head -1)"
    dpkg-deb -c "$deb" | awk -v a="$a" '$6 ~ /bin\/mailgate/ { sub("^\\./", "", $6); printf "  %-6s %-24s %9d\n", a, $6, $3 }'
  done
  echo "--- the amd64 package in a scratch root"
  "$ROOT/tests/package/deb_install_test.sh" "$(ls "$ROOT"/build/release/mailgate_*_amd64.deb)" 2>&1 | tee "$LOGDIR/deb-install.log"
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "the amd64 package failed in the scratch root (build/logs/deb-install.log)"; return 1; }
  n=$((n + 1)); total_passed=$((total_passed + n))
  last_counts="$n passed (${arches[*]} packages lintian-clean, scratch-root install)"
}

# The arm64 image booted under QEMU: every check is a CHECK line in build/logs/system.log.
stage_system() {
  need_root system || return 1
  "$ROOT/tools/make-image" --board virt --overlay "$ROOT/tests/system/guest" 2>&1 | tee "$LOGDIR/make-image.log" | grep -E '^\[|^make-image|^E:'
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "tools/make-image failed (build/logs/make-image.log)"; return 1; }
  python3 "$ROOT/tests/system/appliance_test.py" --image "$ROOT/build/image-virt" --rounds "$MG_POWERCUT_ROUNDS" 2>&1 | tee "$LOGDIR/system.log"
  local rc=${PIPESTATUS[0]} checks
  checks="$(grep -c '^CHECK ' "$LOGDIR/system.log")"
  total_passed=$((total_passed + checks))
  last_counts="$checks checks passed"
  [ "$rc" = 0 ] || { total_failed=$((total_failed + 1)); last_counts="$checks checks passed, then one failed"; return 1; }
}

stage_fuzz() {
  if ! command -v clang++ >/dev/null; then
    last_counts="skipped (no clang)"; total_skipped=$((total_skipped + 1))
    [ "$no_skips" = 1 ] && { echo "fuzz: clang++ is missing (tools/install-deps.sh installs it)"; return 1; }
    return 0
  fi
  cmake --preset fuzz >"$LOGDIR/fuzz.configure.log" 2>&1 || { cat "$LOGDIR/fuzz.configure.log"; echo "configure of preset fuzz failed"; return 1; }
  local targets
  targets="$(cmake --build --preset fuzz --target help | sed -nE 's/^\.\.\. ([A-Za-z0-9_]+_fuzz)$/\1/p' | sort)"
  if [ -z "$targets" ]; then last_counts="no *_fuzz targets yet"; return 0; fi
  # shellcheck disable=SC2086
  cmake --build --preset fuzz --target $targets 2>&1 | tee "$LOGDIR/fuzz.build.log" | grep --line-buffered -E 'error|warning:|Error|Built target'
  [ "${PIPESTATUS[0]}" = 0 ] || { echo "build of fuzz targets failed (full log: build/logs/fuzz.build.log)"; return 1; }
  local t bin dir corpus work n=0
  for t in $targets; do
    bin="$(find "$ROOT/build/fuzz" -type f -name "$t" -perm -u+x | head -1)"
    [ -n "$bin" ] || { echo "fuzz: binary $t not found"; return 1; }
    # Source corpus by convention: tests/fuzz/<area>/corpus (or corpus-<target>), beside the target's CMakeLists.
    dir="${bin%/*}"; dir="${dir#"$ROOT/build/fuzz/"}"
    corpus="$ROOT/$dir/corpus"
    # A target with a corpus of its own keeps it in corpus-<name>, beside the area's corpus.
    [ -d "$ROOT/$dir/corpus-${t%_fuzz}" ] && corpus="$ROOT/$dir/corpus-${t%_fuzz}"
    work="$ROOT/build/fuzz/work/$t"; mkdir -p "$work" "$ROOT/build/fuzz/artifacts"
    echo "--- fuzzing $t for ${MG_FUZZ_SECONDS}s (corpus ${corpus#"$ROOT"/}, new inputs in ${work#"$ROOT"/})"
    local corpora=("$work"); [ -d "$corpus" ] && corpora+=("$corpus")
    "$bin" -max_total_time="$MG_FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$ROOT/build/fuzz/artifacts/$t-" "${corpora[@]}" >"$LOGDIR/$t.log" 2>&1
    local rc=$?
    tail -3 "$LOGDIR/$t.log"
    if [ "$rc" != 0 ]; then
      grep -E 'ERROR|SUMMARY|Test unit written' "$LOGDIR/$t.log" | head -20
      echo "fuzz: $t found a failure (log build/logs/$t.log, input in build/fuzz/artifacts/)"
      total_failed=$((total_failed + 1)); return 1
    fi
    n=$((n + 1)); total_passed=$((total_passed + 1))
  done
  last_counts="$n target(s) fuzzed clean"
}

want() {
  local s=$1
  [ -n "$only" ] && { [[ " $only " == *" $s "* ]] || return 1; }
  case "$s" in
    aarch64) [ "$cross" = 1 ] ;;
    armhf) [ "$cross" = 1 ] && [ "$armhf" = 1 ] ;;
    system) [ "$cross" = 1 ] && [ "$system" = 1 ] ;;
    fuzz) [ "$fuzz" = 1 ] ;;
    "") return 1 ;;
    *) return 0 ;;
  esac
}

for s in "${stages[@]}"; do
  want "$s" || continue
  printf '\n========== [%s] stage %s: started %s ==========\n' "$(hms $(($(date +%s) - t_all)))" "$s" "$(date +%H:%M:%S)"
  t0=$(date +%s); last_counts=""
  "stage_$s"; rc=$?
  dt=$(($(date +%s) - t0))
  if [ "$rc" != 0 ]; then
    summary+=("$(printf '%-8s FAILED  %8s  %s' "$s" "$(hms $dt)" "$last_counts")")
    printf '\n========== stage %s FAILED after %s ==========\n' "$s" "$(hms $dt)"
    printf '%s\n' "${summary[@]}"
    printf 'mailgate tests FAILED at stage %s (total %s)\n' "$s" "$(hms $(($(date +%s) - t_all)))"
    echo "summary: $total_passed passed, $((total_failed > 0 ? total_failed : 1)) failed, $total_skipped skipped"
    exit 1
  fi
  summary+=("$(printf '%-8s ok      %8s  %s' "$s" "$(hms $dt)" "$last_counts")")
  printf '========== stage %s ok in %s%s ==========\n' "$s" "$(hms $dt)" "${last_counts:+ ($last_counts)}"
done

printf '\n========== summary (total %s) ==========\n' "$(hms $(($(date +%s) - t_all)))"
printf '%s\n' "${summary[@]}"
command -v ccache >/dev/null && ccache -s 2>/dev/null | grep -E '^  (Hits|Misses):|Cache size' | sed -E 's/^ +//; s/^/ccache: /'
if [ "$total_passed" = 0 ]; then echo "mailgate tests: no test ran"; exit 1; fi
echo "summary: $total_passed passed, $total_failed failed, $total_skipped skipped"
