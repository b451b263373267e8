#!/usr/bin/env bash
# Runs fuzz harnesses for SECONDS each, FUZZ_JOBS at a time (default: the
# cores), and prints one line per harness: executions, exec/s, coverage, corpus,
# findings. Used by `make fuzz-short` and `make fuzz` (docs/fuzzing.md).
#
#   tests/fuzz/run.sh SECONDS HARNESS...
#
# Each harness grows its corpus in build/fuzz/corpus/<harness> (kept between
# runs; the seeds in tests/fuzz/corpus and the regressions are read, never
# written) and writes what it finds to build/fuzz/findings/<harness>/, its log
# to build/fuzz/logs/<harness>.log. Exit 1 when anything was found.
set -uo pipefail
cd "$(dirname "$0")/../.."

if [ "${1:-}" = "--one" ]; then
  seconds=$2 h=$3
  work=build/fuzz/corpus/$h findings=build/fuzz/findings/$h log=build/fuzz/logs/$h.log
  rm -rf "$findings"  # this run's findings only: a rerun must not count the last one's
  mkdir -p "$work" "$findings" build/fuzz/logs
  seeds=tests/fuzz/corpus/$h
  grown=()
  if [ ! -d "$seeds" ]; then  # py_jsonl, py_playbook: their C++ twins' seeds, and what the twin grew
    seeds=tests/fuzz/corpus/${h#py_}
    [ -d "build/fuzz/corpus/${h#py_}" ] && grown=("build/fuzz/corpus/${h#py_}")
  fi
  case $h in
    py_*) cmd=(.venv/bin/python tests/fuzz/python/fuzz_$h.py) ;;
    *) cmd=(build/fuzz/tests/fuzz/cpp/fuzz_$h) ;;
  esac
  # The kept regressions seed it too, but not the known findings: those would
  # stop it at once. PURSUIT_FUZZ_SKIP_KNOWN steers the harnesses clear of them,
  # so that the rest gets fuzzed.
  regressions=build/fuzz/seeds/$h
  rm -rf "$regressions" && mkdir -p "$regressions"
  for f in tests/fuzz/regressions/$h/*; do
    [ -f "$f" ] && ! grep -q "^$h/$(basename "$f") " tests/fuzz/known-findings.txt && cp "$f" "$regressions/"
  done
  PURSUIT_FUZZ_SKIP_KNOWN=1 ASAN_OPTIONS=detect_leaks=1 \
    "${cmd[@]}" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$findings/" "$work" "$seeds" "$regressions" "${grown[@]}" >"$log" 2>&1
  rc=$?
  stat() { grep -m1 "^stat::$1:" "$log" | awk '{print $2}'; }
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -nE 's/.* cov: ([0-9]+) ft: ([0-9]+) corp: ([0-9]+)\/([0-9A-Za-z]+).*/cov \1, ft \2, corpus \3 (\4)/p' <<<"$last")
  found=$(find "$findings" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  printf '%-12s %10s execs %8s exec/s  %-40s findings %s  exit %s\n' \
    "$h" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" "$cov" "$found" "$rc"
  [ "$rc" -eq 0 ] && [ "$found" -eq 0 ]
  exit $?
fi

seconds=${1:?usage: tests/fuzz/run.sh SECONDS HARNESS...}
shift
[ $# -gt 0 ] || { echo "usage: tests/fuzz/run.sh SECONDS HARNESS..." >&2; exit 2; }
mkdir -p build/fuzz
echo "fuzzing $* for ${seconds}s each, ${FUZZ_JOBS:-$(nproc)} at a time"
printf '%s\n' "$@" | xargs -P "${FUZZ_JOBS:-$(nproc)}" -I{} "$0" --one "$seconds" {} | tee build/fuzz/summary.txt
status=${PIPESTATUS[1]}
if [ "$status" -ne 0 ]; then
  echo "fuzz: findings (or a harness that failed) above; inputs in build/fuzz/findings/, logs in build/fuzz/logs/." >&2
  echo "      Keep each input in tests/fuzz/regressions/<harness>/ (docs/fuzzing.md)." >&2
  # CI keeps only this output: show what each failing harness reported, and its input in hex.
  for h in "$@"; do
    grep -qE "findings 0  exit 0$" <(grep "^$h " build/fuzz/summary.txt) && continue
    echo "--- $h: the end of build/fuzz/logs/$h.log" >&2
    grep -vE '^#[0-9]+|^stat::' "build/fuzz/logs/$h.log" | tail -n 40 >&2
    for f in build/fuzz/findings/"$h"/*; do
      [ -f "$f" ] && { echo "--- $h: $(basename "$f") ($(stat -c %s "$f") bytes)" >&2; head -c 2048 "$f" | od -A x -t x1z | head -n 130 >&2; }
    done
  done
  exit 1
fi
