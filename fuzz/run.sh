#!/usr/bin/env bash
# Run one fuzz target (or all of them, one after the other) for a bounded time and print how
# many inputs were executed.
#
#   fuzz/run.sh parse 60        # one target for 60 seconds
#   fuzz/run.sh all 600         # every target for 600 seconds each
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). The machine only has a stable
# toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly flags. Environment:
#   SDD_FUZZ_SANITIZER   none (default: the fuzzed code is safe Rust, so a sanitizer only
#                        slows it down ~2-3x) or address
#   SDD_FUZZ_CORPUS      folder holding one corpus folder per target (default fuzz/corpus)
#   SDD_FUZZ_FORKS       libFuzzer processes in fork mode (default 1)
#   SDD_FUZZ_TIMEOUT     seconds one input may take before it counts as a hang (default 10)
#   SDD_FUZZ_KEEP_GOING=1  keep fuzzing after a crash or a hang (each input is still written
#                        to fuzz/artifacts/TARGET/) and report how many there were; the script
#                        then exits non-zero at the end if there was any
#   SDD_FUZZ_ARGS        extra libFuzzer flags
#   RAYON_NUM_THREADS    threads of the checker (default 1: one core per fuzzer)
#   CARGO_TARGET_DIR     where cargo builds (default fuzz/target)
# The corpus grows in fuzz/corpus/TARGET (kept between runs, not committed); a crash or a hang is
# written to fuzz/artifacts/TARGET/ and makes the script exit non-zero. Every target mutates with
# the dictionary fuzz/sdd.dict (keywords, field names, punctuation, one of each literal form).
set -euo pipefail

FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$FUZZ")"
TARGETS=(parse check fmt approve)

usage() {
    echo "usage: fuzz/run.sh {${TARGETS[*]// /|}|all} SECONDS" >&2
    exit 2
}

[[ $# -eq 2 && $2 =~ ^[0-9]+$ ]] || usage
case " ${TARGETS[*]} all " in *" $1 "*) ;; *) usage ;; esac

export RUSTC_BOOTSTRAP=1
export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-1}"
SANITIZER="${SDD_FUZZ_SANITIZER:-none}"
CORPUS="${SDD_FUZZ_CORPUS:-$FUZZ/corpus}"
# AddressSanitizer must see every allocation: no mimalloc then (see Cargo.toml).
FEATURES=""
[[ $SANITIZER == address ]] && FEATURES="--no-default-features"

# Seeds: every .sdd file of the examples and the golden cases; for `approve`, a header per
# (engagement, gate, mode, replace, approver) with no edit, so approvals start out succeeding.
seed_dir() {
    local target=$1 dir
    dir="$(mktemp -d "${TMPDIR:-/tmp}/sdd-fuzz-seeds.XXXXXX")"
    if [[ $target == approve ]]; then
        local e r
        for e in 0 1 2 3 4 5 6 7 8; do
            for ((r = 0; r < 14 * 8; r += 1)); do
                printf "\\$(printf %03o "$e")\\$(printf %03o "$(((r / 8) << 3 | r % 8))")\\000\\000" \
                    >"$dir/e$e-r$r"
            done
            printf "\\$(printf %03o "$e")\\004\\000\\060// review note\\n" >"$dir/e$e-comment"
        done
    else
        local i=0 f
        while IFS= read -r -d '' f; do
            cp "$f" "$dir/seed-$i.sdd"
            i=$((i + 1))
        done < <(find "$ROOT/examples" "$ROOT/tests/cases" -name '*.sdd' -print0 | sort -z)
    fi
    echo "$dir"
}

run_one() {
    local target=$1 seconds=$2 seeds log status ignore=""
    seeds="$(seed_dir "$target")"
    mkdir -p "$CORPUS/$target" "$FUZZ/artifacts/$target"
    log="$(mktemp "${TMPDIR:-/tmp}/sdd-fuzz-$target.XXXXXX.log")"
    [[ ${SDD_FUZZ_KEEP_GOING:-0} == 1 ]] &&
        ignore="-ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
    (cd "$FUZZ" && cargo fuzz build --sanitizer "$SANITIZER" $FEATURES -O "$target") >"$log" 2>&1 || {
        cat "$log" >&2
        return 1
    }
    status=0
    # A hard stop well past the budget, should libFuzzer itself ever hang.
    # Fork mode: the fuzzing runs in child processes, so a hang can be skipped when asked.
    (cd "$FUZZ" && timeout -k 30 $((seconds + 300)) \
        cargo fuzz run --sanitizer "$SANITIZER" $FEATURES -O "$target" \
        "$CORPUS/$target" "$seeds" -- \
        -fork="${SDD_FUZZ_FORKS:-1}" $ignore -max_total_time="$seconds" \
        -timeout="${SDD_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len=16384 \
        -dict="$FUZZ/sdd.dict" \
        -artifact_prefix="$FUZZ/artifacts/$target/" ${SDD_FUZZ_ARGS:-}) >"$log" 2>&1 || status=$?
    rm -rf "$seeds"
    # The last progress line: `#RUNS: cov: … exec/s: N oom/timeout/crash: a/b/c time: Ts …`.
    local last runs per_sec hangs
    last="$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)"
    runs="$(sed -E 's/^#([0-9]+):.*/\1/' <<<"${last:-#0:}")"
    per_sec="$(grep -oE 'exec/s: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo 0)"
    hangs="$(grep -oE 'oom/timeout/crash: [0-9/]+' <<<"$last" | cut -d' ' -f2 || echo 0/0/0)"
    if [[ $status -ne 0 ]]; then
        echo "$target: FAILED (exit $status) after ${runs:-0} executions; log: $log" >&2
        grep -E 'panicked|ERROR|SUMMARY|Test unit written|artifact' "$log" | head -20 >&2 || true
        return "$status"
    fi
    echo "$target: ${runs:-0} executions in ${seconds}s (${per_sec:-0} exec/s), oom/timeout/crash ${hangs:-0/0/0}, corpus $(find "$CORPUS/$target" -type f | wc -l) inputs"
    rm -f "$log"
    TOTAL=$((TOTAL + ${runs:-0}))
    if [[ ${hangs:-0/0/0} != 0/0/0 ]]; then
        echo "$target: inputs that failed are in fuzz/artifacts/$target/" >&2
        return 1
    fi
}

TOTAL=0
if [[ $1 == all ]]; then
    failed=0
    for t in "${TARGETS[@]}"; do
        run_one "$t" "$2" || failed=1
    done
    echo "total: $TOTAL executions"
    exit "$failed"
fi
run_one "$1" "$2"
