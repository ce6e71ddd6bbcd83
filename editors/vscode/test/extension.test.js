// Loads the extension against a stand-in for the `vscode` module and checks what a user would
// see: the commands are registered; a missing `sdd-lsp` gives one clear error with a button
// to the setting; the commands run the `sdd` CLI (a fake one here) and report its result.
// Run: node --test test/
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

function makeVscode(settings, workspaceDir) {
  const calls = { errors: [], warnings: [], infos: [], commands: new Map(), opened: [], executed: [], output: [] };
  const disposable = { dispose() {} };
  const vscode = {
    calls,
    Uri: { file: p => ({ fsPath: p, scheme: 'file', toString: () => `file://${p}` }) },
    ViewColumn: { Beside: -2 },
    ProgressLocation: { Window: 10 },
    window: {
      activeTextEditor: undefined,
      createOutputChannel: () => ({
        appendLine: line => calls.output.push(line), append() {}, show() {}, dispose() {}, clear() {},
      }),
      showErrorMessage: async (message, ...items) => { calls.errors.push({ message, items }); return undefined; },
      showWarningMessage: async (message, ...items) => { calls.warnings.push({ message, items }); return undefined; },
      showInformationMessage: async (message, ...items) => { calls.infos.push({ message, items }); return undefined; },
      withProgress: (_options, task) => task({ report() {} }),
      showTextDocument: async document => { calls.opened.push(document); },
    },
    workspace: {
      workspaceFolders: [{ uri: { fsPath: workspaceDir, scheme: 'file' }, name: 'estate', index: 0 }],
      getWorkspaceFolder: () => vscode.workspace.workspaceFolders[0],
      getConfiguration: section => ({
        get: (key, fallback) => {
          const full = `${section}.${key}`;
          return full in settings ? settings[full] : fallback;
        },
      }),
      onDidChangeConfiguration: () => disposable,
      createFileSystemWatcher: () => ({ ...disposable, onDidChange() {}, onDidCreate() {}, onDidDelete() {} }),
      openTextDocument: async options => options,
    },
    languages: { getLanguages: async () => ['plaintext', 'json', 'sdd'] },
    commands: {
      registerCommand: (name, fn) => { calls.commands.set(name, fn); return disposable; },
      executeCommand: async (...args) => { calls.executed.push(args); },
    },
  };
  // Anything else the language client library touches: an inert class.
  const stub = new Proxy(class {}, { get: (target, prop) => (prop in target ? target[prop] : stub) });
  return new Proxy(vscode, { get: (target, prop) => (prop in target ? target[prop] : stub) });
}

function loadExtension(vscode) {
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    return original.call(this, request, ...rest);
  };
  try {
    for (const key of Object.keys(require.cache)) {
      if (key.includes(`${path.sep}src${path.sep}`) || key.includes('vscode-languageclient')) delete require.cache[key];
    }
    return require('../src/extension');
  } finally {
    Module._load = original;
  }
}

function fakeSdd(dir) {
  // A stand-in for the sdd CLI: prints what each command prints.
  const script = path.join(dir, 'sdd-fake');
  fs.writeFileSync(script, `#!/bin/sh
case "$1" in
  check) echo '[{"file":"a.sdd","range":{"start":{"line":2,"column":3}},"code":"SDD101","severity":"error","message":"unknown name \`x\`"}]'; exit 1 ;;
  build) mkdir -p "$4" && echo "wrote 1 manifest" ;;
  graph) echo "flowchart LR"; echo "  a --> b" ;;
esac
`);
  fs.chmodSync(script, 0o755);
  return script;
}

const context = () => ({ subscriptions: [] });

test('activate registers the commands and explains a missing sdd-lsp', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdd-ext-'));
  const vscode = makeVscode({ 'sdd.server.path': path.join(dir, 'no-such-sdd-lsp') }, dir);
  const extension = loadExtension(vscode);
  await extension.activate(context());
  for (const name of ['sdd.checkEstate', 'sdd.buildManifests', 'sdd.showReuseGraph', 'sdd.restartServer']) {
    assert(vscode.calls.commands.has(name), `command ${name} registered`);
  }
  assert.strictEqual(vscode.calls.errors.length, 1);
  const { message, items } = vscode.calls.errors[0];
  assert.match(message, /language server `.*no-such-sdd-lsp` was not found/);
  assert.match(message, /cargo install --path lsp/);
  assert.deepStrictEqual(items, ['Open Settings', 'Retry']);
  await extension.deactivate();
});

test('the commands run the sdd CLI and report what it said', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdd-ext-'));
  const vscode = makeVscode({
    'sdd.server.enabled': false,
    'sdd.cli.path': fakeSdd(dir),
    'sdd.graph.format': 'json',
  }, dir);
  const extension = loadExtension(vscode);
  await extension.activate(context());

  await vscode.calls.commands.get('sdd.checkEstate')();
  assert.deepStrictEqual(vscode.calls.errors.map(e => e.message), ['SDD: estate checked: 1 error.']);
  assert(vscode.calls.output.includes('a.sdd:2:3: error[SDD101]: unknown name `x`'), vscode.calls.output.join('\n'));

  await vscode.calls.commands.get('sdd.buildManifests')();
  assert.match(vscode.calls.infos.at(-1).message, /manifests written to target\/sdd/);
  assert(fs.existsSync(path.join(dir, 'target', 'sdd')));

  await vscode.calls.commands.get('sdd.showReuseGraph')();
  assert.strictEqual(vscode.calls.opened.length, 1);
  assert.strictEqual(vscode.calls.opened[0].language, 'json');
  assert.match(vscode.calls.opened[0].content, /flowchart LR/);
  await extension.deactivate();
});

test('a missing sdd CLI gives a clear error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdd-ext-'));
  const vscode = makeVscode({ 'sdd.server.enabled': false, 'sdd.cli.path': 'no-such-sdd-cli' }, dir);
  const extension = loadExtension(vscode);
  await extension.activate(context());
  await vscode.calls.commands.get('sdd.checkEstate')();
  assert.strictEqual(vscode.calls.errors.length, 1);
  assert.match(vscode.calls.errors[0].message, /command-line tool `no-such-sdd-cli` was not found/);
});
