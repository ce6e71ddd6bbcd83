// VS Code extension for the .sdd spec language.
//
// - starts the `sdd-lsp` language server (stdio) for diagnostics, hover, go to definition…;
// - runs the `sdd` CLI for the estate commands: check, build manifests, show the reuse graph.
'use strict';

const path = require('path');
const vscode = require('vscode');

const { resolveExecutable } = require('./resolve');
const cli = require('./cli');

const INSTALL_HINT =
  'Install it from the sdd repository with `cargo install --path lsp` (the CLI: ' +
  '`cargo install --path compiler`), or set its path in the settings.';

/** @type {import('vscode-languageclient/node').LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel} */
let output;

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  output = vscode.window.createOutputChannel('SDD');
  context.subscriptions.push(output);

  context.subscriptions.push(
    vscode.commands.registerCommand('sdd.checkEstate', () => checkEstate()),
    vscode.commands.registerCommand('sdd.buildManifests', () => buildManifests()),
    vscode.commands.registerCommand('sdd.showReuseGraph', () => showReuseGraph()),
    vscode.commands.registerCommand('sdd.restartServer', () => restartServer(context)),
    vscode.commands.registerCommand('sdd.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(async event => {
      if (event.affectsConfiguration('sdd.server')) {
        await restartServer(context);
      }
    }),
  );

  await startServer(context);
}

async function deactivate() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

// ---- language server ------------------------------------------------------------------

function firstWorkspaceFolder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length ? folders[0].uri.fsPath : undefined;
}

/** @param {vscode.ExtensionContext} context */
async function startServer(context) {
  const config = vscode.workspace.getConfiguration('sdd');
  if (!config.get('server.enabled', true)) {
    output.appendLine('sdd-lsp: disabled by sdd.server.enabled');
    return;
  }
  const setting = config.get('server.path', 'sdd-lsp') || 'sdd-lsp';
  const command = resolveExecutable(setting, firstWorkspaceFolder());
  if (!command) {
    const message = `SDD: the language server \`${setting}\` was not found. ${INSTALL_HINT} ` +
      'Highlighting, snippets and the CLI commands work without it.';
    output.appendLine(message);
    // Not awaited: activation must not wait for someone to dismiss the message.
    vscode.window.showErrorMessage(message, 'Open Settings', 'Retry').then(choice => {
      if (choice === 'Open Settings') {
        vscode.commands.executeCommand('workbench.action.openSettings', 'sdd.server.path');
      } else if (choice === 'Retry' && !client) {
        startServer(context);
      }
    });
    return;
  }

  // Loaded here, not at the top: without a server the client library is not needed.
  const { LanguageClient, TransportKind, RevealOutputChannelOn } = require('vscode-languageclient/node');
  const args = config.get('server.args', []);
  /** @type {import('vscode-languageclient/node').ServerOptions} */
  const serverOptions = {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
  /** @type {import('vscode-languageclient/node').LanguageClientOptions} */
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'sdd' },
      { scheme: 'untitled', language: 'sdd' },
    ],
    synchronize: {
      // The estate is one namespace across files: tell the server about files it has not opened.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.sdd'),
    },
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  client = new LanguageClient('sdd', 'SDD Language Server', serverOptions, clientOptions);
  output.appendLine(`sdd-lsp: starting ${command} ${args.join(' ')}`.trimEnd());
  try {
    await client.start();
  } catch (error) {
    const message = `SDD: the language server \`${command}\` failed to start: ${errorText(error)}`;
    output.appendLine(message);
    client = undefined;
    vscode.window.showErrorMessage(message, 'Show Output').then(choice => {
      if (choice) output.show(true);
    });
  }
}

/** @param {vscode.ExtensionContext} context */
async function restartServer(context) {
  await deactivate();
  await startServer(context);
}

// ---- CLI commands ---------------------------------------------------------------------

/**
 * The estate the commands work on: the workspace folder of the active .sdd file (else the
 * first one), plus `sdd.estate.root`.
 * @returns {{ folder: string, estate: string } | undefined}
 */
function estateFolder() {
  const editor = vscode.window.activeTextEditor;
  let folder = editor ? vscode.workspace.getWorkspaceFolder(editor.document.uri) : undefined;
  if (!folder && vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders.length) {
    folder = vscode.workspace.workspaceFolders[0];
  }
  if (!folder) {
    if (editor && editor.document.uri.scheme === 'file') {
      const dir = path.dirname(editor.document.uri.fsPath);
      return { folder: dir, estate: dir };
    }
    vscode.window.showErrorMessage('SDD: open a folder that holds an estate (.sdd files) first.');
    return undefined;
  }
  const root = vscode.workspace.getConfiguration('sdd', folder.uri).get('estate.root', '') || '';
  return { folder: folder.uri.fsPath, estate: path.resolve(folder.uri.fsPath, root) };
}

/** @param {string} folder */
function sddCommand(folder) {
  const setting = vscode.workspace.getConfiguration('sdd').get('cli.path', 'sdd') || 'sdd';
  const command = resolveExecutable(setting, folder);
  if (!command) {
    const message = `SDD: the command-line tool \`${setting}\` was not found. ${INSTALL_HINT}`;
    output.appendLine(message);
    vscode.window.showErrorMessage(message, 'Open Settings').then(choice => {
      if (choice) vscode.commands.executeCommand('workbench.action.openSettings', 'sdd.cli.path');
    });
  }
  return command;
}

/**
 * Run `sdd ARGS` in the estate with a progress notification; log the command and its output.
 * @param {string} title
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 */
async function runLogged(title, command, args, cwd) {
  output.appendLine('');
  output.appendLine(`$ ${[command, ...args].join(' ')}    (in ${cwd})`);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title },
    () => cli.run(command, args, cwd),
  );
  if (result.error) {
    output.appendLine(`failed to run: ${errorText(result.error)}`);
  }
  return result;
}

async function checkEstate() {
  const where = estateFolder();
  if (!where) return;
  const command = sddCommand(where.folder);
  if (!command) return;
  const asOf = vscode.workspace.getConfiguration('sdd').get('check.asOf', '') || '';
  const result = await runLogged('SDD: checking the estate', command, cli.checkArgs(where.estate, asOf), where.estate);
  const summary = cli.summariseCheck(result.stdout);
  if (!summary) {
    output.appendLine(result.stdout);
    output.appendLine(result.stderr);
    output.show(true);
    vscode.window.showErrorMessage(`SDD: \`sdd check\` failed (exit ${result.code}). See the SDD output.`);
    return;
  }
  for (const line of summary.lines) output.appendLine(line);
  if (result.stderr.trim()) output.appendLine(result.stderr.trimEnd());
  const counts = cli.describeCounts(summary);
  output.appendLine(`sdd check: ${counts}`);
  const show = summary.errors || summary.warnings ? ['Show Output', 'Show Problems'] : [];
  const notify = summary.errors ? vscode.window.showErrorMessage
    : summary.warnings ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await notify(`SDD: estate checked: ${counts}.`, ...show);
  if (choice === 'Show Output') output.show(true);
  if (choice === 'Show Problems') vscode.commands.executeCommand('workbench.actions.view.problems');
}

async function buildManifests() {
  const where = estateFolder();
  if (!where) return;
  const command = sddCommand(where.folder);
  if (!command) return;
  const outSetting = vscode.workspace.getConfiguration('sdd').get('build.outputDir', 'target/sdd') || 'target/sdd';
  const outDir = path.resolve(where.estate, outSetting);
  const result = await runLogged('SDD: building manifests', command, cli.buildArgs(where.estate, outDir), where.estate);
  if (result.stdout.trim()) output.appendLine(result.stdout.trimEnd());
  if (result.stderr.trim()) output.appendLine(result.stderr.trimEnd());
  if (result.code === 0) {
    const choice = await vscode.window.showInformationMessage(
      `SDD: manifests written to ${path.relative(where.folder, outDir) || outDir}.`, 'Reveal', 'Show Output');
    if (choice === 'Reveal') vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(outDir));
    if (choice === 'Show Output') output.show(true);
  } else {
    output.show(true);
    vscode.window.showErrorMessage(`SDD: \`sdd build\` failed (exit ${result.code}). See the SDD output.`);
  }
}

async function showReuseGraph() {
  const where = estateFolder();
  if (!where) return;
  const command = sddCommand(where.folder);
  if (!command) return;
  const format = vscode.workspace.getConfiguration('sdd').get('graph.format', 'mermaid') || 'mermaid';
  const result = await runLogged('SDD: drawing the reuse graph', command, cli.graphArgs(where.estate, format), where.estate);
  if (result.stderr.trim()) output.appendLine(result.stderr.trimEnd());
  if (result.code !== 0) {
    output.show(true);
    vscode.window.showErrorMessage(`SDD: \`sdd graph\` failed (exit ${result.code}). See the SDD output.`);
    return;
  }
  const known = await vscode.languages.getLanguages();
  const wanted = cli.graphLanguage(format);
  const language = known.includes(wanted) ? wanted : 'plaintext';
  const document = await vscode.workspace.openTextDocument({ content: result.stdout, language });
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside });
}

function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}

module.exports = { activate, deactivate };
