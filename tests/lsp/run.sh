#!/usr/bin/env bash
# End-to-end tests of the language server through a real third-party LSP client
# (pytest-lsp): builds sdd and sdd-lsp unless SDD_LSP and SDD name binaries, creates a
# virtual environment in tests/lsp/.venv (or $SDD_LSP_VENV), installs the pinned
# requirements and runs pytest, whose summary line ends the output.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
if [[ -z "${SDD_LSP:-}" || -z "${SDD:-}" ]]; then
  cargo build -q -p sdd-lsp -p sdd-compiler
fi
export SDD_LSP="${SDD_LSP:-$target/debug/sdd-lsp}"
export SDD="${SDD:-$target/debug/sdd}"

venv="${SDD_LSP_VENV:-$here/.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$here/requirements.txt"

cd "$here"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
