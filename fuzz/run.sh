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
#   SDD_FUZZ_WORKERS     libFuzzer processes fuzzing side by side, sharing the corpus folder
#                        (default 1). Independent processes, not libFuzzer's -fork mode, which
#                        re-runs part of the corpus for every job and so executes about half as
#                        many new inputs a second
#   SDD_FUZZ_TIMEOUT     seconds one input may take before it counts as a hang (default 10)
#   SDD_FUZZ_KEEP_GOING=1  restart a worker after a crash, a hang or an out-of-memory (each input
#                        is still written to fuzz/artifacts/TARGET/) and report how many there
#                        were; the script then exits non-zero at the end if there was any
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

# The binary `cargo fuzz build` made for TARGET. Workers run it directly: a `cargo fuzz run` of
# their own would rebuild it, mid-run, if a source file changed.
fuzzer_binary() {
    local dir="${CARGO_TARGET_DIR:-$FUZZ/target}"
    [[ $dir == /* ]] || dir="$FUZZ/$dir"
    echo "$dir/$(rustc -vV | sed -n 's/^host: //p')/release/$1"
}

# One worker: fuzz until DEADLINE (epoch seconds), each attempt logged to PREFIX.N.log. After
# a failure it stops, or with SDD_FUZZ_KEEP_GOING=1 starts again from the corpus.
run_worker() {
    local target=$1 deadline=$2 seeds=$3 prefix=$4 attempt=0 left
    while left=$((deadline - $(date +%s))) && ((left > 0)); do
        attempt=$((attempt + 1))
        # A hard stop well past the budget, should libFuzzer itself ever hang.
        (cd "$FUZZ" && timeout -k 30 $((left + 300)) \
            "$(fuzzer_binary "$target")" "$CORPUS/$target" "$seeds" \
            -max_total_time="$left" -print_final_stats=1 \
            -timeout="${SDD_FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len=16384 \
            -dict="$FUZZ/sdd.dict" \
            -artifact_prefix="$FUZZ/artifacts/$target/" ${SDD_FUZZ_ARGS:-}) \
            >"$prefix.$attempt.log" 2>&1 && return 0
        [[ ${SDD_FUZZ_KEEP_GOING:-0} == 1 ]] || return 1
    done
}

# The inputs one attempt's log says it executed: libFuzzer's final statistics (printed on
# exit, a crash and a hang alike), else its last progress line (`#RUNS<tab>…`).
executed() {
    local n
    n="$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$1" | grep -oE '[0-9]+$' | tail -1 || true)"
    [[ -n $n ]] || n="$(grep -oE '^#[0-9]+' "$1" | tail -1 | tr -d '#' || true)"
    echo "${n:-0}"
}

run_one() {
    local target=$1 seconds=$2 seeds logs status=0 workers="${SDD_FUZZ_WORKERS:-1}" w
    seeds="$(seed_dir "$target")"
    mkdir -p "$CORPUS/$target" "$FUZZ/artifacts/$target"
    logs="$(mktemp -d "${TMPDIR:-/tmp}/sdd-fuzz-$target.XXXXXX")"
    (cd "$FUZZ" && cargo fuzz build --sanitizer "$SANITIZER" $FEATURES -O "$target") \
        >"$logs/build.log" 2>&1 || {
        cat "$logs/build.log" >&2
        return 1
    }
    local deadline=$(($(date +%s) + seconds)) pids=()
    for ((w = 0; w < workers; w++)); do
        run_worker "$target" "$deadline" "$seeds" "$logs/worker$w" &
        pids+=($!)
    done
    local pid
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    rm -rf "$seeds"
    local runs=0 log oom=0 hangs=0 crashes=0 written
    for log in "$logs"/worker*.log; do
        runs=$((runs + $(executed "$log")))
        # Each failing input is written once, named for what it did.
        while read -r written; do
            case "$(basename "$written")" in
            oom-*) oom=$((oom + 1)) ;;
            timeout-*) hangs=$((hangs + 1)) ;;
            crash-* | leak-*) crashes=$((crashes + 1)) ;;
            esac
        done < <(grep -oE 'Test unit written to [^ ]+' "$log" | cut -d' ' -f5)
    done
    local summary="$target: $runs executions in ${seconds}s ($((runs / (seconds > 0 ? seconds : 1))) exec/s, $workers workers), oom/timeout/crash $oom/$hangs/$crashes, corpus $(find "$CORPUS/$target" -type f | wc -l) inputs"
    TOTAL=$((TOTAL + runs))
    if [[ $status -ne 0 || $oom/$hangs/$crashes != 0/0/0 ]]; then
        echo "$summary" >&2
        echo "$target: FAILED; the inputs are in fuzz/artifacts/$target/, the logs in $logs" >&2
        grep -hE 'panicked|ERROR|SUMMARY|Test unit written' "$logs"/worker*.log | head -20 >&2 || true
        return 1
    fi
    echo "$summary"
    rm -rf "$logs"
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
