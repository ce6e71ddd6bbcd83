#!/usr/bin/env bash
# The short fuzzing pass CI runs: every target for SECONDS (default 20) from the seeds alone
# (a fresh corpus, so the result does not depend on earlier local runs). Exits non-zero when
# any target crashes, panics or hangs (an input taking over 10 s); the input is then in
# fuzz/artifacts/TARGET/.
#
#   fuzz/ci.sh          # 20 s per target
#   fuzz/ci.sh 60       # 60 s per target
set -euo pipefail

FUZZ="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SECONDS_PER_TARGET="${1:-20}"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "fuzz/ci.sh: cargo-fuzz is not installed (cargo install cargo-fuzz --locked)" >&2
    exit 1
fi

corpus="$(mktemp -d "${TMPDIR:-/tmp}/sdd-fuzz-ci.XXXXXX")"
trap 'rm -rf "$corpus"' EXIT

# Build every target first, so the time budget is spent fuzzing.
sanitizer="${SDD_FUZZ_SANITIZER:-none}"
features=""
[[ $sanitizer == address ]] && features="--no-default-features"
(cd "$FUZZ" && RUSTC_BOOTSTRAP=1 cargo fuzz build --sanitizer "$sanitizer" $features -O)

SDD_FUZZ_CORPUS="$corpus" "$FUZZ/run.sh" all "$SECONDS_PER_TARGET"
