// Running the `sdd` command-line tool and shaping its output for people.
// No dependency on the `vscode` module, so it can be tested with plain Node.
'use strict';

const { execFile } = require('child_process');

/**
 * @typedef {{ code: number | null, stdout: string, stderr: string, error?: Error }} RunResult
 */

/**
 * Run a program and collect its output; never rejects.
 * @param {string} program
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<RunResult>}
 */
function run(program, args, cwd) {
  return new Promise(resolve => {
    execFile(program, args, { cwd, maxBuffer: 64 * 1024 * 1024, windowsHide: true },
      (error, stdout, stderr) => {
        /** @type {any} */
        const e = error;
        const code = e ? (typeof e.code === 'number' ? e.code : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr), error: e && code === null ? e : undefined });
      });
  });
}

/** Arguments of `sdd check`. */
function checkArgs(estate, asOf) {
  const args = ['check', estate, '--format', 'json'];
  if (asOf) {
    args.push('--as-of', asOf);
  }
  return args;
}

/** Arguments of `sdd build`. */
function buildArgs(estate, outDir) {
  return ['build', estate, '-o', outDir];
}

/** Arguments of `sdd graph`. */
function graphArgs(estate, format) {
  return ['graph', estate, '--format', format];
}

/**
 * Summarise `sdd check --format json` output (an array of diagnostics, each with `file`,
 * `range.start.line/column` (one-based), `code`, `severity`, `message`, `help`).
 * @param {string} stdout
 * @returns {{ lines: string[], errors: number, warnings: number, others: number } | undefined}
 *   undefined when stdout is not that JSON
 */
function summariseCheck(stdout) {
  let diagnostics;
  try {
    diagnostics = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (!Array.isArray(diagnostics)) {
    return undefined;
  }
  const lines = [];
  let errors = 0;
  let warnings = 0;
  let others = 0;
  for (const d of diagnostics) {
    const severity = String(d.severity || 'error');
    if (severity === 'error') {
      errors += 1;
    } else if (severity === 'warning') {
      warnings += 1;
    } else {
      others += 1;
    }
    const start = (d.range && d.range.start) || {};
    const where = `${d.file || '?'}:${start.line || 1}:${start.column || 1}`;
    lines.push(`${where}: ${severity}[${d.code || '?'}]: ${d.message || ''}`);
    if (d.help) {
      lines.push(`    help: ${d.help}`);
    }
  }
  return { lines, errors, warnings, others };
}

/**
 * "2 errors, 1 warning" / "no problems".
 * @param {{ errors: number, warnings: number, others: number }} s
 */
function describeCounts(s) {
  const parts = [];
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s.errors) parts.push(plural(s.errors, 'error'));
  if (s.warnings) parts.push(plural(s.warnings, 'warning'));
  if (s.others) parts.push(plural(s.others, 'note'));
  return parts.length ? parts.join(', ') : 'no problems';
}

/** Language id of the document that shows a graph of this format. */
function graphLanguage(format) {
  return { mermaid: 'mermaid', dot: 'dot', json: 'json' }[format] || 'plaintext';
}

module.exports = { run, checkArgs, buildArgs, graphArgs, summariseCheck, describeCounts, graphLanguage };
