// Tokenizes .sdd files with grammar/sdd.tmLanguage.json and fails when a token gets an
// `invalid.*` scope or a line ends inside a string (a grammar rule that ran away).
// Usage: node tokenize-check.js FILE...
'use strict';
const fs = require('fs');
const path = require('path');
const vt = require('vscode-textmate');
const onig = require('vscode-oniguruma');

const grammarPath = path.resolve(__dirname, '..', 'sdd.tmLanguage.json');
const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
const onigLib = onig.loadWASM(wasm).then(() => ({
  createOnigScanner: patterns => new onig.OnigScanner(patterns),
  createOnigString: text => new onig.OnigString(text),
}));
const registry = new vt.Registry({
  onigLib,
  loadGrammar: async () => vt.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath),
});

(async () => {
  const grammar = await registry.loadGrammar('source.sdd');
  let problems = 0;
  const files = process.argv.slice(2);
  for (const file of files) {
    let stack = vt.INITIAL;
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
    lines.forEach((line, i) => {
      const result = grammar.tokenizeLine(line, stack);
      for (const token of result.tokens) {
        const invalid = token.scopes.find(s => s.startsWith('invalid.'));
        if (invalid) {
          problems += 1;
          console.error(`${file}:${i + 1}:${token.startIndex + 1}: ${invalid}: ${JSON.stringify(line.slice(token.startIndex, token.endIndex))}`);
        }
      }
      stack = result.ruleStack;
    });
    // A file must end outside any string, comment or block: a declaration after it must
    // still be a declaration.
    const probe = grammar.tokenizeLine('person zz-probe {', stack);
    if (!probe.tokens[0].scopes.includes('storage.type.person.sdd')) {
      problems += 1;
      console.error(`${file}: ends inside ${probe.tokens[0].scopes.slice(1).join(' > ')}`);
    }
  }
  console.log(`tokenize-check: ${files.length} files, ${problems} problems`);
  process.exit(problems ? 1 : 0);
})().catch(error => {
  console.error(error);
  process.exit(1);
});
