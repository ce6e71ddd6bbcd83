#!/usr/bin/env bash
# CI for the editor support: the tree-sitter grammar, the TextMate grammar, the VS Code
# extension and the Neovim plugin.
#
#   bash editors/ci.sh
#
# Installs what is missing (the pinned tree-sitter CLI, built from source with cargo; the npm
# packages from the committed package-lock.json files), then runs every check and ends with
# `editors: N passed, M failed`. Exits non-zero when anything failed.
#
# Environment:
#   SDD_NVIM          Neovim binaries to run the headless plugin checks with (space-separated;
#                     default: `nvim` when it is on PATH, else those checks are skipped)
#   CARGO_BUILD_JOBS  jobs for `cargo install tree-sitter-cli` (default 1)
#   KEEP_VSIX=PATH    copy the built .vsix there
set -euo pipefail

TREE_SITTER_VERSION=0.27.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
grammar="$root/grammar/tree-sitter-sdd"
tmtests="$root/grammar/tmgrammar-tests"
vscode="$here/vscode"
nvim_plugin="$here/nvim"
examples="$root/examples"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)

passed=0
failed=0
failures=()

section() { printf '\n== %s\n' "$*"; }

# check NAME COMMAND...: run a command, count it, keep going when it fails.
check() {
  local name="$1"
  shift
  local log="$work/check.log"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    printf 'ok   %s\n' "$name"
  else
    local status=$?
    failed=$((failed + 1))
    failures+=("$name")
    printf 'FAIL %s (exit %d)\n' "$name" "$status"
    sed 's/^/     | /' "$log" | tail -n 60
  fi
}

# ---- install what is missing -----------------------------------------------------------

section "tools"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if [ "$(tree-sitter --version 2>/dev/null | awk '{print $2}')" != "$TREE_SITTER_VERSION" ]; then
  echo "installing tree-sitter-cli $TREE_SITTER_VERSION from source (cargo install --locked)…"
  cargo install tree-sitter-cli --locked --version "$TREE_SITTER_VERSION" -j "${CARGO_BUILD_JOBS:-1}"
fi
tree-sitter --version
node --version
npm --version

# npm ci when node_modules does not match package-lock.json.
npm_install() {
  local dir="$1"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] \
    || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ] \
    || [ "$dir/package.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "npm ci in ${dir#"$root"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "npm packages up to date in ${dir#"$root"/}"
  fi
}
npm_install "$tmtests"
npm_install "$vscode"
(cd "$vscode" && node scripts/copy-grammar.js)

# tree-sitter reads its config from here: keep it away from the user's.
export TREE_SITTER_DIR="$work/tree-sitter-config"
mkdir -p "$TREE_SITTER_DIR"
tree-sitter init-config >/dev/null 2>&1 || true

# ---- tree-sitter grammar ---------------------------------------------------------------

section "tree-sitter grammar"

generated_matches() {
  # (set -e does not apply inside a function called as a condition: every step says `|| return`)
  mkdir -p "$work/generate" || return 1
  cp "$grammar/grammar.js" "$grammar/tree-sitter.json" "$grammar/package.json" "$work/generate/" || return 1
  (cd "$work/generate" && tree-sitter generate --abi 14) || return 1
  diff -r "$work/generate/src" "$grammar/src" \
    || { echo "src/ is not what grammar.js generates: run 'tree-sitter generate --abi 14' in grammar/tree-sitter-sdd"; return 1; }
  grep -q '#define LANGUAGE_VERSION 14' "$grammar/src/parser.c" \
    || { echo "src/parser.c is not ABI 14"; return 1; }
}
check "generated parser (ABI 14) matches grammar.js" generated_matches

check "tree-sitter test (corpus and highlight tests)" bash -c "cd '$grammar' && tree-sitter test"

parse_clean() {
  # tree-sitter parse exits non-zero and prints the node when a file has an ERROR or MISSING node.
  local out
  out="$(cd "$grammar" && tree-sitter parse --quiet "$1" 2>&1)" || { echo "$out"; return 1; }
  if grep -qE 'ERROR|MISSING' <<<"$out"; then
    echo "$out"
    return 1
  fi
}

mapfile -t example_files < <(find "$examples" -name '*.sdd' -not -path '*/broken/*' | sort)
if [ "${#example_files[@]}" -eq 0 ]; then
  check "examples/ holds .sdd files" false
fi
for file in "${example_files[@]}"; do
  check "tree-sitter parses ${file#"$root"/}" parse_clean "$file"
done

snippets_parse() {
  node "$vscode/scripts/render-snippets.js" "$work/snippets" >/dev/null || return 1
  local file status=0
  for file in "$work/snippets"/*.sdd; do
    parse_clean "$file" || { echo "snippet $(basename "$file") does not parse:"; cat "$file"; status=1; }
  done
  return $status
}
check "every VS Code snippet expands to valid syntax" snippets_parse

queries_in_sync() {
  local status=0 query
  for query in "$grammar"/queries/*.scm; do
    cmp "$query" "$nvim_plugin/queries/sdd/$(basename "$query")" || status=1
  done
  [ "$(ls "$nvim_plugin/queries/sdd" | wc -l)" -eq "$(ls "$grammar/queries" | wc -l)" ] || status=1
  [ $status -eq 0 ] || echo "copy grammar/tree-sitter-sdd/queries/*.scm to editors/nvim/queries/sdd/"
  return $status
}
check "editors/nvim/queries/sdd matches the grammar's queries" queries_in_sync

# ---- TextMate grammar ------------------------------------------------------------------

section "TextMate grammar"
check "TextMate scope tests (vscode-tmgrammar-test)" bash -c "cd '$tmtests' && npx --no-install vscode-tmgrammar-test --grammar ../sdd.tmLanguage.json 'cases/**/*.sdd'"
check "TextMate grammar tokenizes the examples without invalid scopes" \
  node "$tmtests/tokenize-check.js" "${example_files[@]}"

# ---- VS Code extension -----------------------------------------------------------------

section "VS Code extension"
check "extension manifest, settings and helpers (npm run lint)" bash -c "cd '$vscode' && npm run --silent lint"
check "extension against a stand-in vscode API (node --test)" bash -c "cd '$vscode' && node --test test/"

vsix_builds() {
  (cd "$vscode" && npx --no-install vsce package --out "$work/sdd.vsix") || return 1
  python3 - "$work/sdd.vsix" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["extension/package.json", "extension/src/extension.js", "extension/syntaxes/sdd.tmLanguage.json",
        "extension/snippets/sdd.json", "extension/language-configuration.json",
        "extension/node_modules/vscode-languageclient/node.js", "extension/LICENSE.txt"]
missing = [n for n in need if n not in names]
if missing:
    sys.exit("missing from the .vsix: " + ", ".join(missing))
EOF
  [ $? -eq 0 ] || return 1
  if [ -n "${KEEP_VSIX:-}" ]; then cp "$work/sdd.vsix" "$KEEP_VSIX" || return 1; fi
}
check "the .vsix builds (vsce package) with grammar, snippets and client" vsix_builds

# ---- Neovim plugin (headless, when Neovim is installed) --------------------------------

section "Neovim plugin"
nvims="${SDD_NVIM:-$(command -v nvim || true)}"
if [ -z "$nvims" ]; then
  echo "skipped: no nvim on PATH (set SDD_NVIM to run the headless plugin checks)"
else
  # An estate with a file holding a known error, for the stand-in language server.
  e2e="$work/estate"
  mkdir -p "$e2e/.git"
  cp -r "$examples/." "$e2e/"
  rm -rf "$e2e/broken"
  printf 'engagement fake-broken {\n  profile: FAKE-ERROR\n}\n' >"$e2e/fake-broken.sdd"
  valid="$(cd "$e2e" && grep -rl --include='*.sdd' -E '^\s*profile:' . | sort | head -n 1)"
  for nvim in $nvims; do
    version="$("$nvim" --version | head -n 1)"
    check "$version: filetype, tree-sitter parser and highlighting, indent" \
      env SDD_NVIM_PARSER_DIR="$work/nvim-parser" timeout 120 \
      "$nvim" --headless --clean -u "$nvim_plugin/test/init.lua" -c "luafile $nvim_plugin/test/run.lua" \
      "${example_files[0]}"
    if [ -n "$valid" ]; then
      check "$version: LSP client wiring (stand-in server): attach, definition, diagnostic" \
        bash -c 'cd "$1" && shift && "$@"' _ "$e2e" \
        env SDD_NVIM_PARSER_DIR="$work/nvim-parser" SDD_LSP="$nvim_plugin/test/fake_lsp.py" \
        SDD_E2E_ERROR_FILE="$e2e/fake-broken.sdd" SDD_E2E_ERROR_CODE=SDD101 SDD_E2E_TIMEOUT_MS=10000 \
        timeout 120 "$nvim" --headless --clean -u "$nvim_plugin/test/init.lua" \
        -c "luafile $nvim_plugin/test/lsp.lua" "$valid"
      # The real language server, when it is built (tests/run builds it before this script).
      real_lsp="${SDD_LSP_BIN:-$root/target/debug/sdd-lsp}"
      if [ -x "$real_lsp" ]; then
        check "$version: real sdd-lsp end to end: attach, definition, diagnostic, highlighting" \
          bash -c 'cd "$1" && shift && "$@"' _ "$e2e" \
          env SDD_NVIM_PARSER_DIR="$work/nvim-parser" SDD_LSP="$real_lsp" \
          SDD_E2E_ERROR_FILE="$e2e/fake-broken.sdd" SDD_E2E_ERROR_CODE=SDD101 SDD_E2E_TIMEOUT_MS=20000 \
          timeout 120 "$nvim" --headless --clean -u "$nvim_plugin/test/init.lua" \
          -c "luafile $nvim_plugin/test/lsp.lua" "$valid"
      else
        echo "skipped: the real sdd-lsp end to end ($real_lsp is not built)"
      fi
      # 0.11+ also runs the vim.lsp.start path that Neovim 0.8–0.10 take.
      if "$nvim" --headless --clean -c 'if has("nvim-0.11") | qall! | else | cquit! | endif' >/dev/null 2>&1; then
        check "$version: LSP client wiring through vim.lsp.start (the 0.8–0.10 path)" \
          bash -c 'cd "$1" && shift && "$@"' _ "$e2e" \
          env SDD_NVIM_PARSER_DIR="$work/nvim-parser" SDD_LSP="$nvim_plugin/test/fake_lsp.py" \
          SDD_NVIM_LSP_API=start SDD_E2E_ERROR_FILE="$e2e/fake-broken.sdd" SDD_E2E_ERROR_CODE=SDD101 \
          SDD_E2E_TIMEOUT_MS=10000 timeout 120 "$nvim" --headless --clean -u "$nvim_plugin/test/init.lua" \
          -c "luafile $nvim_plugin/test/lsp.lua" "$valid"
      fi
    fi
  done
fi

# ---- Emacs snippet of the README (when Emacs is installed) -----------------------------

section "Emacs snippet"
if ! command -v emacs >/dev/null 2>&1; then
  echo "skipped: no emacs on PATH"
else
  emacs_snippet() {
    python3 - "$here/README.md" "$work/sdd-mode.el" <<'PY' || return 1
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
block = re.search(r"```elisp\n(.*?)```", text, re.S)
if not block:
    sys.exit("no elisp block in editors/README.md")
open(sys.argv[2], "w", encoding="utf-8").write(block.group(1))
PY
    emacs --batch -Q -l "$here/test/emacs-snippet.el" "$work/sdd-mode.el" "${example_files[0]}"
  }
  check "$(emacs --version | head -n 1): the README's sdd-mode and eglot snippet" emacs_snippet
fi

# ---- summary ---------------------------------------------------------------------------

section "summary ($(($(date +%s) - start)) s)"
if [ "$failed" -ne 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "editors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
