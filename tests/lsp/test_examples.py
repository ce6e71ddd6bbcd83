"""The real `sdd-lsp` on the bundled examples: hover, go to definition and rename on the
example estate, and published diagnostics equal to `sdd check --format json` on the example
estate, the broken examples and the golden test cases."""

from __future__ import annotations

import asyncio
import re
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import (
    EXAMPLES,
    REPO,
    SDD,
    SDD_LSP,
    apply,
    edits_by_uri,
    expected_diagnostics,
    initialize,
    open_document,
    position,
    published,
    read,
    text_of,
    uri,
    wait_for_diagnostics,
)

DC2 = EXAMPLES / "engagements" / "network-provisioning" / "dc2-edge-bgp-peering.sdd"
NETWORK_INVENTORY = EXAMPLES / "inventory" / "network.sdd"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[SDD_LSP]), scope="module")
async def client(lsp_client: LanguageClient):
    await initialize(lsp_client, EXAMPLES)
    yield
    await lsp_client.shutdown_session()


async def test_the_server_watches_sdd_files(client: LanguageClient):
    for _ in range(50):
        if client.registrations:
            break
        await asyncio.sleep(0.05)
    methods = [r.method for r in client.registrations]
    assert methods == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    watchers = client.registrations[0].register_options["watchers"]
    assert watchers[0]["globPattern"] == "**/*.sdd"


def at(text: str, needle: str, inside: int = 1) -> types.Position:
    """The position `inside` characters into the first occurrence of `needle`."""
    return position(text, text.index(needle) + inside)


async def test_hover_shows_a_persons_declaration(client: LanguageClient):
    text = open_document(client, DC2)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri(DC2)),
            position=at(text, "owner: @aisha", len("owner: @a")),
        )
    )
    assert hover is not None
    assert "person aisha" in hover.contents.value
    assert text_of(text, hover.range) == "aisha"


async def test_hover_on_a_gate_says_whether_its_approval_holds(client: LanguageClient):
    text = open_document(client, DC2)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri(DC2)),
            position=at(text, "gate spec", 2),
        )
    )
    assert hover is not None
    assert "approved by: @priya" in hover.contents.value
    assert "holds ✓" in hover.contents.value


async def test_definition_of_a_reused_asset_is_in_the_inventory(client: LanguageClient):
    text = open_document(client, DC2)
    found = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(DC2)),
            position=at(text, "reuses: bgp-neighbor-template", len("reuses: bgp")),
        )
    )
    assert isinstance(found, types.Location)
    assert found.uri == uri(NETWORK_INVENTORY)
    assert text_of(read(NETWORK_INVENTORY), found.range) == "bgp-neighbor-template"


def occurrences_outside_strings(text: str, name: str) -> int:
    without_strings = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)
    without_comments = re.sub(r"//[^\n]*", "", without_strings)
    return len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", without_comments))


async def test_rename_a_requirement_edits_every_use(client: LanguageClient):
    text = open_document(client, DC2)
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri(DC2)),
            position=at(text, "requirement R1", len("requirement R")),
            new_name="R10",
        )
    )
    assert edit is not None
    changes = edits_by_uri(edit)
    assert list(changes) == [uri(DC2)]
    edits = changes[uri(DC2)]
    assert all(text_of(text, e.range) == "R1" for e in edits)
    assert len(edits) == occurrences_outside_strings(text, "R1")


async def test_rename_refuses_a_name_that_collides(client: LanguageClient):
    text = open_document(client, DC2)
    with pytest.raises(Exception, match="already declared"):
        await client.text_document_rename_async(
            types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri=uri(DC2)),
                position=at(text, "requirement R1", len("requirement R")),
                new_name="R2",
            )
        )


async def test_formatting_an_example_gives_what_sdd_fmt_writes(client: LanguageClient, tmp_path):
    text = open_document(client, DC2)
    copy = tmp_path / DC2.name
    copy.write_text(text, encoding="utf-8")
    subprocess.run([SDD, "fmt", str(copy)], check=True, capture_output=True)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri(DC2)),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert edits is not None
    assert apply(text, edits) == copy.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "root",
    [EXAMPLES, EXAMPLES / "broken", REPO / "tests" / "cases"],
    ids=["examples", "broken-examples", "golden-cases"],
)
async def test_diagnostics_equal_sdd_check(root):
    expected = expected_diagnostics(root)
    config = ClientServerConfig(server_command=[SDD_LSP])
    lsp = await config.start()
    try:
        await initialize(lsp, root)
        await wait_for_diagnostics(lsp, expected)
        for file_uri, diagnostics in expected.items():
            assert sorted(published(lsp.diagnostics[file_uri])) == sorted(diagnostics), file_uri
        for file_uri, diagnostics in lsp.diagnostics.items():
            assert file_uri in expected or not diagnostics, f"{file_uri}: sdd check finds it clean"
    finally:
        await lsp.shutdown_session()
        await lsp.stop()
