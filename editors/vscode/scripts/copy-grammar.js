// Copies the TextMate grammar from grammar/ (its single source) into syntaxes/, where the
// extension and its .vsix take it from. Runs on `npm install` and before `vsce package`.
'use strict';
const fs = require('fs');
const path = require('path');

const source = path.resolve(__dirname, '..', '..', '..', 'grammar', 'sdd.tmLanguage.json');
const target = path.resolve(__dirname, '..', 'syntaxes', 'sdd.tmLanguage.json');

if (!fs.existsSync(source)) {
  if (fs.existsSync(target)) {
    // Installed outside the repository (e.g. from a packed tarball): keep the copy we have.
    process.exit(0);
  }
  console.error(`copy-grammar: ${source} not found`);
  process.exit(1);
}
JSON.parse(fs.readFileSync(source, 'utf8')); // fail early on a broken grammar
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.copyFileSync(source, target);
console.log(`copy-grammar: ${path.relative(process.cwd(), target)}`);
