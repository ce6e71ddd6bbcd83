//! The documentation stays true: every `sdd` example in the README and docs/ parses, every
//! schema field and block keyword is in the language reference, and the grammar's keyword
//! list is the parser's.

use sdd::check::schema::{Block, FILE};
use sdd::source::FileId;
use sdd_tests::repo_root;

fn sdd_blocks(text: &str) -> Vec<String> {
    text.match_indices("```sdd\n")
        .map(|(i, _)| {
            let body = &text[i + 7..];
            body[..body.find("```").expect("closed fence")].to_string()
        })
        .collect()
}

#[test]
fn every_example_in_the_docs_parses() {
    let mut docs = vec![repo_root().join("README.md")];
    for entry in std::fs::read_dir(repo_root().join("docs"))
        .unwrap()
        .flatten()
    {
        docs.push(entry.path());
    }
    let mut count = 0;
    for doc in docs {
        let text = std::fs::read_to_string(&doc).unwrap();
        for block in sdd_blocks(&text) {
            count += 1;
            let parsed = sdd::syntax::parse(FileId(0), &block);
            assert!(
                parsed.diagnostics.is_empty(),
                "{}: {:?}\n{block}",
                doc.display(),
                parsed.diagnostics
            );
        }
    }
    assert!(count >= 3, "the docs hold examples");
}

fn fields_and_keywords(block: &Block, out: &mut Vec<String>) {
    for f in block.fields {
        out.push(f.name.to_string());
    }
    for item in block.items {
        out.push(item.keyword.to_string());
        fields_and_keywords(item.block, out);
    }
}

#[test]
fn the_language_reference_lists_every_field_and_block() {
    let reference = std::fs::read_to_string(repo_root().join("docs/language.md")).unwrap();
    let mut names = Vec::new();
    fields_and_keywords(&FILE, &mut names);
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !reference.contains(n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/language.md does not mention {missing:?}"
    );
}

#[test]
fn the_grammar_names_every_keyword_the_parser_knows() {
    let grammar = std::fs::read_to_string(repo_root().join("grammar/sdd.ebnf")).unwrap();
    for keyword in sdd::syntax::parser::KEYWORDS {
        assert!(
            grammar.contains(&format!("\"{keyword}\"")),
            "sdd.ebnf lacks \"{keyword}\""
        );
    }
}
