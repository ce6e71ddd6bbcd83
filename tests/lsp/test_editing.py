"""Editing a scratch estate through the real `sdd-lsp`: non-ASCII text before the positions
asked about (accents, CJK, emoji in strings and comments), incremental changes, diagnostics
after an edit equal to `sdd check` of the edited text, and formatting equal to `sdd fmt`."""

from __future__ import annotations

import subprocess

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import (
    SDD,
    SDD_LSP,
    apply,
    edits_by_uri,
    expected_diagnostics,
    initialize,
    open_document,
    position,
    published,
    text_of,
    uri,
    wait_for_diagnostics,
)

PEOPLE = """/// The network lead — «réseau» 🌐
person bob { name: "Bob Ørsted 😀" roles: [lead] }
role lead { approves: [spec, design] domains: [network] }
"""

# The title and the comment put accents, CJK and emoji before the names on their lines.
ENGAGEMENT = """// Réseau — 東京 😀 before the engagement
profile p { domain: network }
engagement e1 { profile: p title: "Établir 東京 😀" owner: @bob opened: 2026-11-02 }
"""

MESSY = """// Réseau — 東京 😀
person   carol {name:"Carol 😀"
roles:[lead,]}
"""


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[SDD_LSP]), scope="module")
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("scratch")
    (root / "people.sdd").write_text(PEOPLE, encoding="utf-8")
    (root / "e1.sdd").write_text(ENGAGEMENT, encoding="utf-8")
    (root / "messy.sdd").write_text(MESSY, encoding="utf-8")
    lsp_client.root = root
    await initialize(lsp_client, root)
    yield
    await lsp_client.shutdown_session()


async def test_hover_after_emoji_and_cjk_covers_the_name(client: LanguageClient):
    path = client.root / "e1.sdd"
    text = open_document(client, path)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            position=position(text, text.index("@bob") + 2),
        )
    )
    assert hover is not None
    assert text_of(text, hover.range) == "bob"
    assert "Bob Ørsted 😀" in hover.contents.value


async def test_definition_from_after_emoji_lands_on_the_declaration(client: LanguageClient):
    path = client.root / "e1.sdd"
    text = open_document(client, path)
    found = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            position=position(text, text.index("@bob") + 1),
        )
    )
    people = client.root / "people.sdd"
    assert found.uri == uri(people)
    assert text_of(PEOPLE, found.range) == "bob"


async def test_rename_from_after_emoji_edits_the_right_columns(client: LanguageClient):
    path = client.root / "e1.sdd"
    text = open_document(client, path)
    edit = await client.text_document_rename_async(
        types.RenameParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            position=position(text, text.index("@bob") + 1),
            new_name="robert",
        )
    )
    people = client.root / "people.sdd"
    changes = edits_by_uri(edit)
    assert list(changes) == [uri(path), uri(people)]
    assert apply(text, changes[uri(path)]).count("@robert") == 1
    assert "person robert {" in apply(PEOPLE, changes[uri(people)])


async def test_diagnostics_after_an_incremental_edit_equal_sdd_check(client: LanguageClient, tmp_path):
    path = client.root / "e1.sdd"
    text = open_document(client, path)
    # `@bob` → `@bobby`: an incremental change whose range is in UTF-16 columns
    at = position(text, text.index("@bob") + len("@bob"))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text="by")
            ],
        )
    )
    edited = text.replace("@bob", "@bobby")
    await wait_for_diagnostics(client, [uri(path)], version=2)
    # the same estate, edited, on disk for `sdd check`
    for name in ("people.sdd", "messy.sdd"):
        (tmp_path / name).write_text((client.root / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "e1.sdd").write_text(edited, encoding="utf-8")
    expected = expected_diagnostics(tmp_path)[uri(tmp_path / "e1.sdd")]
    assert any(code == "SDD101" for code, _, _ in expected)
    assert sorted(published(client.diagnostics[uri(path)])) == sorted(expected)
    # undo the edit: the file is clean again
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await wait_for_diagnostics(client, [uri(path)], version=3)
    assert published(client.diagnostics[uri(path)]) == []


async def test_formatting_gives_what_sdd_fmt_writes(client: LanguageClient, tmp_path):
    path = client.root / "messy.sdd"
    text = open_document(client, path)
    copy = tmp_path / "messy.sdd"
    copy.write_text(text, encoding="utf-8")
    subprocess.run([SDD, "fmt", str(copy)], check=True, capture_output=True)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    formatted = apply(text, edits)
    assert formatted == copy.read_text(encoding="utf-8")
    assert formatted != text and "東京 😀" in formatted
