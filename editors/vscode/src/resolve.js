// Finding the `sdd` and `sdd-lsp` executables from a setting.
// No dependency on the `vscode` module, so it can be tested with plain Node.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

/**
 * Expand `~` and `${workspaceFolder}` (also `${userHome}`) in a path setting.
 * @param {string} value
 * @param {string | undefined} workspaceFolder
 * @returns {string}
 */
function expand(value, workspaceFolder) {
  let result = value.trim();
  if (result === '~' || result.startsWith('~/') || result.startsWith('~\\')) {
    result = path.join(os.homedir(), result.slice(1));
  }
  result = result.replace(/\$\{userHome\}/g, os.homedir());
  if (workspaceFolder) {
    result = result.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  }
  return result;
}

/**
 * @param {string} file
 * @returns {boolean}
 */
function isExecutableFile(file) {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform === 'win32') {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolve an executable named by a setting: a path (absolute, or relative to the workspace
 * folder) or a bare name looked up on PATH.
 * @param {string} setting the setting's value, e.g. "sdd-lsp" or "~/bin/sdd-lsp"
 * @param {string | undefined} workspaceFolder
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | undefined} the absolute path, or undefined when not found
 */
function resolveExecutable(setting, workspaceFolder, env = process.env) {
  const value = expand(setting, workspaceFolder);
  if (!value) {
    return undefined;
  }
  const extensions = process.platform === 'win32'
    ? ['', ...(env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)]
    : [''];
  const hasSeparator = value.includes('/') || (process.platform === 'win32' && value.includes('\\'));
  if (hasSeparator || path.isAbsolute(value)) {
    const absolute = path.isAbsolute(value) || !workspaceFolder
      ? path.resolve(value)
      : path.resolve(workspaceFolder, value);
    for (const ext of extensions) {
      if (isExecutableFile(absolute + ext)) {
        return absolute + ext;
      }
    }
    return undefined;
  }
  const dirs = (env.PATH || env.Path || '').split(path.delimiter).filter(Boolean);
  // Where `cargo install` puts binaries, in case VS Code was started without the login PATH.
  dirs.push(path.join(env.CARGO_HOME || path.join(os.homedir(), '.cargo'), 'bin'));
  for (const dir of dirs) {
    for (const ext of extensions) {
      const candidate = path.join(dir, value + ext);
      if (isExecutableFile(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

module.exports = { expand, resolveExecutable };
