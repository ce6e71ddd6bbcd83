// Expands every snippet with its default choices into OUT_DIR/<n>.sdd, so that CI can check
// with the tree-sitter grammar that each snippet inserts valid .sdd syntax.
// Usage: node scripts/render-snippets.js OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');

const out = process.argv[2];
if (!out) {
  console.error('usage: render-snippets.js OUT_DIR');
  process.exit(2);
}
const snippets = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'snippets', 'sdd.json'), 'utf8'));
const variables = { CURRENT_YEAR: '2026', CURRENT_MONTH: '01', CURRENT_DATE: '31' };

/** @param {string} text */
function expand(text) {
  let previous;
  do {
    previous = text;
    text = text
      .replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1')          // ${1|a,b|} -> a
      .replace(/\$\{\d+:([^${}]*)\}/g, '$1')                  // ${1:default} -> default
      .replace(/\$\{\d+\}|\$\d+/g, '')                        // ${1}, $0
      .replace(/\$([A-Z_]+)/g, (m, name) => variables[name] ?? m);
  } while (text !== previous);
  return text;
}

fs.mkdirSync(out, { recursive: true });
let n = 0;
for (const [name, snippet] of Object.entries(snippets)) {
  const body = Array.isArray(snippet.body) ? snippet.body.join('\n') : snippet.body;
  const text = expand(body);
  if (text.includes('$')) {
    console.error(`snippet "${name}": unexpanded placeholder in ${JSON.stringify(text)}`);
    process.exit(1);
  }
  n += 1;
  fs.writeFileSync(path.join(out, `${String(n).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-')}.sdd`), text + '\n');
}
console.log(`render-snippets: ${n} snippets written to ${out}`);
