//! Doc comments (`/// …` lines) attach to the item that follows them, at any depth, on both
//! parsing paths: the fast path for a file without mistakes and chumsky for a file with one.

use sdd::source::FileId;
use sdd::syntax::{parse, Item};

/// Every item of the file at any depth, as `keyword name` and its doc, in source order.
fn docs(text: &str) -> Vec<(String, Option<String>)> {
    fn walk(items: &[&Item], out: &mut Vec<(String, Option<String>)>) {
        for item in items {
            out.push((
                format!("{} {}", item.keyword(), item.name_text().unwrap_or("")),
                item.doc.as_ref().map(|d| d.text.clone()),
            ));
            walk(&item.items().collect::<Vec<_>>(), out);
        }
    }
    let parsed = parse(FileId(0), text);
    let mut out = Vec::new();
    walk(&parsed.ast.items.iter().collect::<Vec<_>>(), &mut out);
    out
}

const NESTED: &str = r#"
/// The engagement.
engagement e {
  profile: p
  requirements {
    /// First line of R1.
    /// Second line of R1.
    requirement R1 "one" { priority: must }
    requirement R2 "two" { priority: must }

    /// R3, after a blank line.

    requirement R3 "three" { priority: must }
    /// Not a doc of R4: a plain comment comes between.
    // plain
    requirement R4 "four" { priority: must }
  }
  design {
    component c "c" {
      /// A doc before a field belongs to no item.
      satisfies: [R1]
    }
    /// The test, three levels down.
    test T1 "t" { verifies: [R1] }
  }
}
"#;

fn expected() -> Vec<(String, Option<String>)> {
    let doc = |s: &str| Some(s.to_string());
    vec![
        ("engagement e".into(), doc("The engagement.")),
        ("requirements ".into(), None),
        (
            "requirement R1".into(),
            doc("First line of R1.\nSecond line of R1."),
        ),
        ("requirement R2".into(), None),
        ("requirement R3".into(), doc("R3, after a blank line.")),
        ("requirement R4".into(), None),
        ("design ".into(), None),
        ("component c".into(), None),
        ("test T1".into(), doc("The test, three levels down.")),
    ]
}

#[test]
fn doc_comments_attach_to_items_at_every_depth() {
    assert!(parse(FileId(0), NESTED).diagnostics.is_empty());
    assert_eq!(docs(NESTED), expected());
}

/// The same file with a syntax error in another engagement is parsed by chumsky, with error
/// recovery: the docs of the engagement without the mistake are the same.
#[test]
fn doc_comments_attach_the_same_in_a_file_with_a_syntax_error() {
    let broken = format!("{NESTED}\nengagement f {{ profile: : }}\n");
    assert!(!parse(FileId(0), &broken).diagnostics.is_empty());
    let found = docs(&broken);
    assert_eq!(found[..expected().len()], expected()[..]);
}
