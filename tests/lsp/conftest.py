"""Shared by the end-to-end tests: where the binaries are, URIs and UTF-16 positions computed
here (independently of the server), `sdd check --format json` converted to the protocol's
positions, and a way to wait for published diagnostics."""

from __future__ import annotations

import asyncio
import json
import os
import pathlib
import subprocess

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

REPO = pathlib.Path(__file__).resolve().parents[2]
_target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
TARGET = _target if _target.is_absolute() else REPO / _target
SDD_LSP = os.environ.get("SDD_LSP", str(TARGET / "debug" / "sdd-lsp"))
SDD = os.environ.get("SDD", str(TARGET / "debug" / "sdd"))
EXAMPLES = REPO / "examples"
TIMEOUT = 30.0


def uri(path: pathlib.Path) -> str:
    return path.resolve().as_uri()


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def position(text: str, offset: int) -> types.Position:
    """The protocol position of a character offset (a Python string index)."""
    before = text[:offset]
    line = before.count("\n")
    start = before.rfind("\n") + 1
    return types.Position(line=line, character=utf16_len(before[start:]))


def offset(text: str, pos: types.Position) -> int:
    """The character offset of a protocol position."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[: pos.line])
    units = 0
    line = lines[pos.line] if pos.line < len(lines) else ""
    for i, ch in enumerate(line):
        if units >= pos.character:
            return start + i
        units += utf16_len(ch)
    return start + len(line)


def text_of(text: str, rng: types.Range) -> str:
    return text[offset(text, rng.start) : offset(text, rng.end)]


def read(path: pathlib.Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def expected_diagnostics(root: pathlib.Path) -> dict[str, list[tuple]]:
    """`sdd check --format json` of an estate, per file URI, as (code, message, range) with
    the CLI's one-based line and character columns turned into UTF-16 positions."""
    run = subprocess.run(
        [SDD, "check", "--format", "json", "--no-git", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    found: dict[str, list[tuple]] = {}
    texts: dict[str, str] = {}
    for d in json.loads(run.stdout):
        path = pathlib.Path(d["file"])
        text = texts.setdefault(d["file"], read(path))
        lines = text.split("\n")

        def pos(p: dict) -> tuple[int, int]:
            line = lines[p["line"] - 1] if p["line"] - 1 < len(lines) else ""
            return (p["line"] - 1, utf16_len(line[: p["column"] - 1]))

        rng = (pos(d["range"]["start"]), pos(d["range"]["end"]))
        found.setdefault(uri(path), []).append((d["code"], d["message"], rng))
    return found


def published(diagnostics) -> list[tuple]:
    return [
        (
            d.code,
            d.message,
            ((d.range.start.line, d.range.start.character), (d.range.end.line, d.range.end.character)),
        )
        for d in diagnostics
    ]


async def wait_for_diagnostics(client: LanguageClient, uris, version: int | None = None) -> None:
    """Until every URI has had diagnostics published (for `version` of the document, when
    given: a publish for an earlier version may still be in flight after an edit). Polls: the
    client records a notification after waking its waiters, so waiting on notifications could
    miss the last."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT

    def arrived(u: str) -> bool:
        if u not in client.diagnostics:
            return False
        return version is None or client.diagnostic_versions.get(u) == version

    while not all(arrived(u) for u in uris):
        missing = [u for u in uris if not arrived(u)]
        assert loop.time() < deadline, f"no diagnostics for {missing} (version {version})"
        await asyncio.sleep(0.02)


def record_diagnostic_versions(client: LanguageClient) -> None:
    """Wrap the client's own `publishDiagnostics` handler so that the document version each
    publish is for is kept beside the diagnostics, in `client.diagnostic_versions`."""
    client.diagnostic_versions = {}
    features = client.protocol.fm.features
    default = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def publish(params: types.PublishDiagnosticsParams):
        client.diagnostic_versions[params.uri] = params.version
        return default(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish


async def initialize(client: LanguageClient, root: pathlib.Path) -> None:
    """`initialize` as VS Code would, accepting the file watchers the server registers."""
    client.registrations = []
    record_diagnostic_versions(client)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(client: LanguageClient, params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=uri(root),
            workspace_folders=[types.WorkspaceFolder(uri=uri(root), name=root.name)],
            initialization_options={"debounceMs": 10},
        )
    )


def open_document(client: LanguageClient, path: pathlib.Path, text: str | None = None) -> str:
    text = read(path) if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri(path), language_id="sdd", version=1, text=text)
        )
    )
    return text


def apply(text: str, edits) -> str:
    """Apply non-overlapping protocol edits to a text."""
    spans = sorted(
        ((offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_by_uri(edit: types.WorkspaceEdit) -> dict[str, list]:
    """A workspace edit's text edits per document, from `documentChanges` or `changes`."""
    if edit.document_changes is not None:
        return {change.text_document.uri: list(change.edits) for change in edit.document_changes}
    return {u: list(edits) for u, edits in (edit.changes or {}).items()}
