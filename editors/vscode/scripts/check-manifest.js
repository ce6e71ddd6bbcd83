// Consistency checks of the extension that need no VS Code:
// - every contributed command is registered in src/extension.js and vice versa;
// - every `sdd.*` setting read in src/ is declared in package.json;
// - language-configuration.json, snippets and the grammar are valid JSON and the grammar copy
//   in syntaxes/ matches grammar/sdd.tmLanguage.json;
// - the helpers in src/cli.js and src/resolve.js behave.
'use strict';
const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const read = file => fs.readFileSync(path.join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json'));
const extension = read('src/extension.js');
let checks = 0;
const ok = what => { checks += 1; if (process.env.VERBOSE) console.log(`ok ${what}`); };

// Commands.
const contributed = pkg.contributes.commands.map(c => c.command).sort();
const registered = [...extension.matchAll(/registerCommand\('([^']+)'/g)].map(m => m[1]).sort();
assert.deepStrictEqual(registered, contributed, 'contributed and registered commands differ');
for (const required of ['sdd.checkEstate', 'sdd.buildManifests', 'sdd.showReuseGraph']) {
  assert(contributed.includes(required), `missing command ${required}`);
}
ok('commands');

// Settings read in the code are declared.
const declared = new Set(Object.keys(pkg.contributes.configuration.properties));
const sources = ['src/extension.js'].map(read).join('\n');
for (const m of sources.matchAll(/\.get\('([a-zA-Z.]+)'/g)) {
  assert(declared.has(`sdd.${m[1]}`), `setting sdd.${m[1]} is read but not declared in package.json`);
}
for (const key of ['sdd.server.path', 'sdd.cli.path']) {
  assert(declared.has(key), `missing setting ${key}`);
}
ok('settings');

// JSON files.
const languageConfig = JSON.parse(read('language-configuration.json'));
assert.strictEqual(languageConfig.comments.lineComment, '//');
for (const rule of Object.values(languageConfig.indentationRules)) new RegExp(rule);
const snippets = JSON.parse(read('snippets/sdd.json'));
assert(Object.keys(snippets).length >= 20, 'expected a snippet for each declaration and block');
ok('language configuration and snippets');

const source = path.resolve(root, '..', '..', 'grammar', 'sdd.tmLanguage.json');
const copy = path.join(root, 'syntaxes', 'sdd.tmLanguage.json');
assert(fs.existsSync(copy), 'syntaxes/sdd.tmLanguage.json is missing: run `npm install` or `node scripts/copy-grammar.js`');
if (fs.existsSync(source)) {
  assert.strictEqual(fs.readFileSync(copy, 'utf8'), fs.readFileSync(source, 'utf8'),
    'syntaxes/sdd.tmLanguage.json differs from grammar/sdd.tmLanguage.json: run `node scripts/copy-grammar.js`');
}
assert.strictEqual(JSON.parse(fs.readFileSync(copy, 'utf8')).scopeName, pkg.contributes.grammars[0].scopeName);
ok('grammar');

// Helpers.
const cli = require('../src/cli');
const summary = cli.summariseCheck(JSON.stringify([
  { file: 'a.sdd', range: { start: { line: 3, column: 5 } }, code: 'SDD101', severity: 'error', message: 'unknown name `x`', help: 'did you mean `y`?' },
  { file: 'b.sdd', range: { start: { line: 1, column: 1 } }, code: 'SDD406', severity: 'warning', message: 'missed reuse' },
]));
assert.deepStrictEqual(summary.lines[0], 'a.sdd:3:5: error[SDD101]: unknown name `x`');
assert.strictEqual(cli.describeCounts(summary), '1 error, 1 warning');
assert.strictEqual(cli.summariseCheck('not json'), undefined);
assert.strictEqual(cli.describeCounts(cli.summariseCheck('[]')), 'no problems');
assert.deepStrictEqual(cli.checkArgs('/e', '2026-01-01'), ['check', '/e', '--format', 'json', '--as-of', '2026-01-01']);
assert.deepStrictEqual(cli.buildArgs('/e', '/e/out'), ['build', '/e', '-o', '/e/out']);
assert.deepStrictEqual(cli.graphArgs('/e', 'dot'), ['graph', '/e', '--format', 'dot']);
ok('cli helpers');

const { resolveExecutable, expand } = require('../src/resolve');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdd-resolve-'));
const fake = path.join(dir, 'sdd-lsp-fake');
fs.writeFileSync(fake, '#!/bin/sh\n');
fs.chmodSync(fake, 0o755);
assert.strictEqual(resolveExecutable('sdd-lsp-fake', undefined, { PATH: dir }), fake);
assert.strictEqual(resolveExecutable(fake, undefined, { PATH: '' }), fake);
assert.strictEqual(resolveExecutable('./sdd-lsp-fake', dir, { PATH: '' }), fake);
assert.strictEqual(resolveExecutable('${workspaceFolder}/sdd-lsp-fake', dir, { PATH: '' }), fake);
assert.strictEqual(resolveExecutable('no-such-sdd-binary', undefined, { PATH: dir }), undefined);
assert.strictEqual(expand('~/x', undefined), path.join(os.homedir(), 'x'));
fs.rmSync(dir, { recursive: true, force: true });
ok('resolve');

console.log(`check-manifest: ${checks} passed, 0 failed`);
