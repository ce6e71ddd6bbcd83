//! The editor features' plain data (`sdd::ide`) as protocol types: the server's capabilities,
//! hovers, completion items, symbols, folding ranges, semantic tokens, code lenses, inlay
//! hints, code actions and workspace edits. Every position goes through [`convert`].

use std::collections::{BTreeMap, HashMap};

use sdd::ide::{self, Ide};
use sdd::source::{FileId, Files, SourceFile};
use tower_lsp_server::ls_types::*;

use crate::convert;

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["@".into(), ":".into()]),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: SemanticTokensLegend {
                    token_types: ide::TOKEN_KINDS
                        .iter()
                        .map(|(_, name)| SemanticTokenType::new(name))
                        .collect(),
                    token_modifiers: ide::TOKEN_MODIFIERS
                        .iter()
                        .map(|name| SemanticTokenModifier::new(name))
                        .collect(),
                },
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: Some(false),
                ..SemanticTokensOptions::default()
            },
        )),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![LENS_COMMAND.into()],
            work_done_progress_options: WorkDoneProgressOptions::default(),
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

pub fn hover(source: &SourceFile, h: ide::Hover) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: h.markdown,
        }),
        range: Some(convert::range(source, h.span)),
    }
}

pub fn completion(
    source: &SourceFile,
    order: usize,
    c: ide::Completion,
    snippets: bool,
) -> CompletionItem {
    let kind = match c.kind {
        ide::CompletionKind::Field => CompletionItemKind::FIELD,
        ide::CompletionKind::Block => CompletionItemKind::SNIPPET,
        ide::CompletionKind::Variant => CompletionItemKind::ENUM_MEMBER,
        ide::CompletionKind::Name => CompletionItemKind::REFERENCE,
        ide::CompletionKind::Type => CompletionItemKind::TYPE_PARAMETER,
    };
    let (text, format) = match (c.snippet, snippets) {
        (true, true) => (c.insert, InsertTextFormat::SNIPPET),
        (true, false) => (
            convert::plain_snippet(&c.insert),
            InsertTextFormat::PLAIN_TEXT,
        ),
        (false, _) => (c.insert, InsertTextFormat::PLAIN_TEXT),
    };
    CompletionItem {
        label: c.label,
        kind: Some(kind),
        detail: Some(c.detail),
        sort_text: Some(format!("{order:04}")),
        insert_text_format: Some(format),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit {
            range: convert::range(source, c.replace),
            new_text: text,
        })),
        ..CompletionItem::default()
    }
}

fn symbol_kind(kind: ide::SymbolKind) -> SymbolKind {
    use ide::SymbolKind as K;
    match kind {
        K::Person => SymbolKind::OBJECT,
        K::Role => SymbolKind::INTERFACE,
        K::Enum => SymbolKind::ENUM,
        K::Variant => SymbolKind::ENUM_MEMBER,
        K::Record => SymbolKind::STRUCT,
        K::Profile => SymbolKind::CLASS,
        K::Field => SymbolKind::FIELD,
        K::Asset => SymbolKind::PACKAGE,
        K::Engagement => SymbolKind::MODULE,
        K::Phase => SymbolKind::NAMESPACE,
        K::Requirement | K::Constraint => SymbolKind::KEY,
        K::Finding | K::Risk | K::Deviation => SymbolKind::EVENT,
        K::Component => SymbolKind::FUNCTION,
        K::Test => SymbolKind::METHOD,
        K::AsBuiltEntry => SymbolKind::PROPERTY,
    }
}

#[allow(deprecated)]
pub fn document_symbol(source: &SourceFile, s: ide::Symbol) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: convert::range(source, s.span),
        selection_range: convert::range(source, s.selection),
        children: Some(
            s.children
                .into_iter()
                .map(|c| document_symbol(source, c))
                .collect(),
        )
        .filter(|c: &Vec<DocumentSymbol>| !c.is_empty()),
    }
}

pub fn workspace_symbol(files: &Files, s: ide::WorkspaceSymbol) -> Option<WorkspaceSymbol> {
    Some(WorkspaceSymbol {
        name: s.name,
        kind: symbol_kind(s.kind),
        tags: None,
        container_name: s.container,
        location: OneOf::Left(convert::location(files, s.location.file, s.location.span)?),
        data: None,
    })
}

pub fn folding_range(source: &SourceFile, f: ide::Fold) -> FoldingRange {
    let range = convert::range(source, f.span);
    FoldingRange {
        start_line: range.start.line,
        end_line: range.end.line,
        kind: Some(match f.kind {
            ide::FoldKind::Region => FoldingRangeKind::Region,
            ide::FoldKind::Comment => FoldingRangeKind::Comment,
        }),
        ..FoldingRange::default()
    }
}

/// Semantic tokens, delta-encoded; a token over several lines becomes one token per line.
pub fn semantic_tokens(source: &SourceFile, tokens: &[ide::SemanticToken]) -> Vec<SemanticToken> {
    let mut out = Vec::new();
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for t in tokens {
        let kind = ide::TOKEN_KINDS
            .iter()
            .position(|(k, _)| *k == t.kind)
            .unwrap_or(0) as u32;
        let mut start = t.span.start as usize;
        let end = t.span.end as usize;
        while start < end {
            // A line ends at `\n`, `\r\n` or a `\r` alone, as the protocol counts lines; the
            // line break is no part of the token.
            let text_end = source.text()[start..end]
                .find(['\n', '\r'])
                .map_or(end, |i| start + i);
            let line_end = match source.text().as_bytes()[text_end..] {
                [b'\r', b'\n', ..] => text_end + 1,
                _ => text_end,
            };
            let from = convert::position(source, start);
            let to = convert::position(source, text_end);
            if to.character > from.character {
                let delta_line = from.line - last_line;
                let delta_start = if delta_line == 0 {
                    from.character - last_start
                } else {
                    from.character
                };
                out.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: to.character - from.character,
                    token_type: kind,
                    token_modifiers_bitset: t.modifiers,
                });
                last_line = from.line;
                last_start = from.character;
            }
            start = line_end + 1;
        }
    }
    out
}

/// The command of every code lens: a gate's state is a label, and running it (a click in VS
/// Code, `vim.lsp.codelens.run()` in Neovim) does nothing. An empty command id, which no
/// server handles, made Neovim report an error.
pub const LENS_COMMAND: &str = "sdd.gateState";

pub fn code_lens(source: &SourceFile, l: ide::Lens) -> CodeLens {
    CodeLens {
        range: convert::range(source, l.span),
        command: Some(Command {
            title: l.title,
            command: LENS_COMMAND.into(),
            arguments: None,
        }),
        data: None,
    }
}

pub fn inlay_hint(source: &SourceFile, h: ide::InlayHint) -> InlayHint {
    InlayHint {
        position: convert::position(source, h.offset),
        label: InlayHintLabel::String(h.label),
        kind: Some(InlayHintKind::TYPE),
        text_edits: None,
        tooltip: Some(InlayHintTooltip::String(h.tooltip)),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub fn code_action(
    ide: &Ide<'_>,
    a: ide::Action,
    ordered: bool,
    versions: &BTreeMap<String, i32>,
) -> CodeActionOrCommand {
    let files = &ide.estate.files;
    let diagnostics = a
        .fixes
        .and_then(|i| ide.analysis.diagnostics.get(i))
        .map(|d| vec![convert::diagnostic(d, files)]);
    // A fix of a diagnostic is a quick fix; an action the cursor's context offers without
    // one (a requirement's missing acceptance while nothing is approved yet) a rewrite.
    let kind = match diagnostics {
        Some(_) => CodeActionKind::QUICKFIX,
        None if a.preferred => CodeActionKind::QUICKFIX,
        None => CodeActionKind::REFACTOR_REWRITE,
    };
    CodeActionOrCommand::CodeAction(CodeAction {
        title: a.title,
        kind: Some(kind),
        diagnostics,
        edit: Some(workspace_edit(files, &a.edits, ordered, versions)),
        is_preferred: a.preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// Edits grouped per file in file-name order: as `documentChanges` (an ordered list) when
/// the client supports it, else as the `changes` map. A document open in the editor is named
/// with the version of it the edits were made for (`versions`), so the client can refuse
/// edits of a version it no longer has; a file that is not open has none.
pub fn workspace_edit(
    files: &Files,
    edits: &[ide::TextEdit],
    ordered: bool,
    versions: &BTreeMap<String, i32>,
) -> WorkspaceEdit {
    let mut per_file: BTreeMap<&str, Vec<TextEdit>> = BTreeMap::new();
    for e in edits {
        per_file
            .entry(files.name(e.file))
            .or_default()
            .push(TextEdit {
                range: convert::range(files.get(e.file), e.span),
                new_text: e.text.clone(),
            });
    }
    let with_uri = per_file.into_iter().filter_map(|(name, edits)| {
        Some((convert::uri(name)?, versions.get(name).copied(), edits))
    });
    if ordered {
        let edits = with_uri
            .map(|(uri, version, edits)| TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            })
            .collect();
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(edits)),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(
                with_uri
                    .map(|(uri, _, edits)| (uri, edits))
                    .collect::<HashMap<_, _>>(),
            ),
            ..WorkspaceEdit::default()
        }
    }
}

/// The id of the change annotation that marks an edit of approved content.
pub const STALE_APPROVALS: &str = "sdd.staleApprovals";

/// Mark every edit of `edit` (a `documentChanges` list) as needing the user's confirmation,
/// when it would make approvals on record stale: the client shows what it changes and why
/// before applying it. An edit that breaks no approval is left as it is.
pub fn confirm_stale_approvals(edit: &mut WorkspaceEdit, stale: &[ide::StaleApproval]) {
    let Some(DocumentChanges::Edits(changes)) = edit.document_changes.as_mut() else {
        return;
    };
    if stale.is_empty() {
        return;
    }
    for change in changes {
        for e in &mut change.edits {
            if let OneOf::Left(plain) = e {
                *e = OneOf::Right(AnnotatedTextEdit {
                    text_edit: plain.clone(),
                    annotation_id: STALE_APPROVALS.to_string(),
                });
            }
        }
    }
    let listed: Vec<String> = (stale.iter().take(5))
        .map(|s| format!("gate {} of `{}`", s.gate, s.engagement))
        .collect();
    let more = match stale.len().saturating_sub(5) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let approvals = if stale.len() == 1 {
        "approval"
    } else {
        "approvals"
    };
    edit.change_annotations = Some(HashMap::from([(
        STALE_APPROVALS.to_string(),
        ChangeAnnotation {
            label: format!("Changes approved content: {} {approvals} become stale", stale.len()),
            needs_confirmation: Some(true),
            description: Some(format!(
                "{}{more} no longer match their recorded fingerprints (SDD204): each must be approved again",
                listed.join(", ")
            )),
        },
    )]));
}

/// The whole document replaced by its canonical layout; nothing when it is already
/// formatted or cannot be formatted (a file with syntax errors is left alone).
pub fn formatting(source: &SourceFile, file: FileId) -> Option<Vec<TextEdit>> {
    let formatted = sdd::fmt::format(file, source.text()).ok()?;
    if formatted == source.text() {
        return Some(Vec::new());
    }
    Some(vec![TextEdit {
        range: Range::new(
            Position::new(0, 0),
            convert::position(source, source.text().len()),
        ),
        new_text: formatted,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An edit of an open document names the version it was made for; one of a file that
    /// is not open names none.
    #[test]
    fn document_changes_name_the_open_documents_versions() {
        let mut files = Files::new();
        let open = files.add("/w/open.sdd".to_string(), "a".to_string());
        let closed = files.add("/w/closed.sdd".to_string(), "b".to_string());
        let edit = |file| ide::TextEdit {
            file,
            span: sdd::source::Span::new(0, 1),
            text: "c".into(),
        };
        let versions = BTreeMap::from([("/w/open.sdd".to_string(), 7)]);
        let made = workspace_edit(&files, &[edit(open), edit(closed)], true, &versions);
        let Some(DocumentChanges::Edits(changes)) = made.document_changes else {
            panic!("document changes");
        };
        let named: Vec<(String, Option<i32>)> = (changes.iter())
            .map(|c| {
                (
                    c.text_document.uri.path().to_string(),
                    c.text_document.version,
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                ("/w/closed.sdd".to_string(), None),
                ("/w/open.sdd".to_string(), Some(7))
            ]
        );
    }

    /// `(delta_line, delta_start, length)` of the semantic tokens of these spans of `text`.
    fn token_positions(text: &str, spans: &[std::ops::Range<usize>]) -> Vec<(u32, u32, u32)> {
        let source = SourceFile::new("a.sdd", text.to_string());
        let tokens: Vec<ide::SemanticToken> = (spans.iter())
            .map(|span| ide::SemanticToken {
                span: sdd::source::Span::new(span.start, span.end),
                kind: ide::TOKEN_KINDS[0].0,
                modifiers: 0,
            })
            .collect();
        (semantic_tokens(&source, &tokens).iter())
            .map(|t| (t.delta_line, t.delta_start, t.length))
            .collect()
    }

    #[test]
    fn semantic_tokens_stop_at_the_line_end_of_a_crlf_file() {
        let text = "// hi\r\nx: \"\"\"\r\n  a\r\n  \"\"\"\r\n";
        let comment = text.find("\r\nx").unwrap();
        let block = text.find("\"\"\"").unwrap()..text.rfind('\r').unwrap();
        let found = token_positions(text, &[0..comment + 1, block]);
        // `// hi`; then the text block's lines `"""`, `  a`, `  """`.
        assert_eq!(found, [(0, 0, 5), (1, 3, 3), (1, 0, 3), (1, 0, 5)]);
    }

    /// A client counts a `\r` alone as a line break: a token across one is one token per
    /// line there, at that line's columns.
    #[test]
    fn semantic_tokens_split_at_a_lone_cr() {
        let text = "a {}\rx: \"\"\"\r  a\n  \"\"\"\n";
        let block = text.find("\"\"\"").unwrap()..text.rfind('\n').unwrap();
        assert_eq!(
            token_positions(text, &[block]),
            [(1, 3, 3), (1, 0, 3), (1, 0, 5)]
        );
    }
}
