//! Go to definition, find references and rename, over the name [`Index`](super::Index).
//!
//! Rename edits the declaration and every use that resolves to it, and refuses a new name that
//! is not an identifier or that another declaration of the same scope already has (the
//! estate's namespace for top-level names, the engagement for its requirements, components, …).

use crate::check::schema::{rule_for, BUILTIN_TYPES};
use crate::source::{FileId, Span};

use super::index::{DeclId, Occurrence, Scope};
use super::{is_identifier, Ide, Location, TextEdit};

/// Why a rename is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenameError {
    /// The new name is not an identifier.
    InvalidName(String),
    /// Another declaration in the same scope already has the name: what it is (`a
    /// requirement`) and where (`engagement \`x\``, `the estate`).
    Collision {
        name: String,
        existing: Location,
        what: String,
        scope: String,
    },
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::InvalidName(name) => write!(
                f,
                "`{name}` is not a valid name: use letters, digits, `_` and `-`, starting with a letter or `_`"
            ),
            RenameError::Collision {
                name, what, scope, ..
            } => write!(
                f,
                "cannot rename to `{name}`: {what} of that name is already declared in {scope}"
            ),
        }
    }
}

impl Ide<'_> {
    /// The declaration of the name at an offset.
    pub fn definition(&self, file: FileId, offset: usize) -> Option<Location> {
        let decl = self.decl_at(file, offset)?;
        let d = &self.index.decls[decl];
        Some(Location {
            file: d.file,
            span: d.name_span,
        })
    }

    /// Every occurrence of the name at an offset, sorted by file name and position.
    pub fn references(
        &self,
        file: FileId,
        offset: usize,
        include_declaration: bool,
    ) -> Vec<Location> {
        let Some(decl) = self.decl_at(file, offset) else {
            return Vec::new();
        };
        let mut found = self.occurrences(decl);
        if !include_declaration {
            let d = &self.index.decls[decl];
            found.retain(|l| !(l.file == d.file && l.span == d.name_span));
        }
        found
    }

    /// The span of the renamable name at an offset.
    pub fn prepare_rename(&self, file: FileId, offset: usize) -> Option<Span> {
        self.decl_at(file, offset)?;
        let occurrence = self.index.occurrence_at(file, offset)?;
        Some(match occurrence {
            Occurrence::Decl(d) => self.index.decls[d].name_span,
            Occurrence::Ref(r) => self.index.refs[r].span,
        })
    }

    /// The edits that rename the name at an offset; `Ok(empty)` when nothing renamable is there.
    pub fn rename(
        &self,
        file: FileId,
        offset: usize,
        new_name: &str,
    ) -> Result<Vec<TextEdit>, RenameError> {
        let Some(decl) = self.decl_at(file, offset) else {
            return Ok(Vec::new());
        };
        let d = &self.index.decls[decl];
        // A person may be renamed as written in references: `@name`.
        let new_name = match new_name.strip_prefix('@') {
            Some(bare) if d.kind == "person" => bare,
            _ => new_name,
        };
        if !is_identifier(new_name) {
            return Err(RenameError::InvalidName(new_name.to_string()));
        }
        if d.name == new_name {
            return Ok(Vec::new());
        }
        if let Some(err) = self.collision(decl, new_name) {
            return Err(err);
        }
        Ok(self
            .occurrences(decl)
            .into_iter()
            .map(|l| TextEdit {
                file: l.file,
                span: l.span,
                text: new_name.to_string(),
            })
            .collect())
    }

    fn decl_at(&self, file: FileId, offset: usize) -> Option<DeclId> {
        self.items_at(file, offset)?;
        let occurrence = self.index.occurrence_at(file, offset)?;
        self.index.target(occurrence)
    }

    /// The declaration and every use of it.
    fn occurrences(&self, decl: DeclId) -> Vec<Location> {
        let d = &self.index.decls[decl];
        let mut found: Vec<Location> = std::iter::once(Location {
            file: d.file,
            span: d.name_span,
        })
        .chain(self.index.uses_of(decl).map(|r| Location {
            file: r.file,
            span: r.span,
        }))
        .collect();
        let files = &self.estate.files;
        found.sort_by(|a, b| {
            files
                .name(a.file)
                .cmp(files.name(b.file))
                .then(a.span.cmp(&b.span))
        });
        found.dedup();
        found
    }

    /// The collision a new name would cause.
    fn collision(&self, decl: DeclId, new_name: &str) -> Option<RenameError> {
        let d = &self.index.decls[decl];
        let scope = match d.scope {
            Scope::Estate => "the estate".to_string(),
            Scope::Within(owner) => {
                let o = &self.index.decls[owner];
                format!("{} `{}`", o.kind, o.name)
            }
        };
        if let Some(other) = self.index.resolve(d.scope, new_name) {
            let o = &self.index.decls[other];
            return Some(RenameError::Collision {
                name: new_name.to_string(),
                existing: Location {
                    file: o.file,
                    span: o.name_span,
                },
                what: with_article(&o.kind),
                scope,
            });
        }
        // An engagement's name is its manifest's file name: one that differs from another
        // engagement's only in case is the same file on macOS and Windows (SDD102).
        if d.kind == "engagement" {
            let same_file = (self.index.decls.iter()).find(|o| {
                o.kind == "engagement" && o.name != d.name && o.name.eq_ignore_ascii_case(new_name)
            });
            if let Some(o) = same_file {
                return Some(RenameError::Collision {
                    name: new_name.to_string(),
                    existing: Location {
                        file: o.file,
                        span: o.name_span,
                    },
                    what: "an engagement whose name differs only in case".into(),
                    scope,
                });
            }
        }
        // An enum or record may not take a built-in type's name (SDD102): every field of its
        // type would then be of the built-in type.
        if (d.kind == "enum" || d.kind == "record")
            && (BUILTIN_TYPES.contains(&new_name) || new_name == "list")
        {
            return Some(RenameError::Collision {
                name: new_name.to_string(),
                existing: Location {
                    file: d.file,
                    span: d.name_span,
                },
                what: "a built-in type".into(),
                scope: "every estate".into(),
            });
        }
        // A profile field may not take the name of a built-in engagement field.
        let builtin = d.kind == "field"
            && rule_for(&["engagement"]).is_some_and(|r| r.block.field(new_name).is_some());
        builtin.then(|| RenameError::Collision {
            name: new_name.to_string(),
            existing: Location {
                file: d.file,
                span: d.name_span,
            },
            what: "a built-in engagement field".into(),
            scope: "every engagement".into(),
        })
    }
}

/// "a requirement", "an asset".
fn with_article(kind: &str) -> String {
    match kind.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{analyze, Options};
    use crate::estate::Estate;
    use crate::ide::{Ide, Index};
    use crate::source::FileId;

    /// Rename the name at `marker` (removed from the text) to `to`: the refusal, if any.
    fn refusal(text: &str, marker: &str, to: &str) -> Option<String> {
        let at = text.find(marker).expect("the marker");
        let text = text.replace(marker, "");
        let estate = Estate::from_sources([("a.sdd", text)]);
        let analysis = analyze(&estate, &Options::default());
        let index = Index::build(&estate);
        let ide = Ide::new(&estate, &analysis, &index);
        ide.rename(FileId(0), at, to).err().map(|e| e.to_string())
    }

    #[test]
    fn a_name_that_would_be_an_sdd102_is_refused() {
        let two = "engagement |dc2-acl { title: \"a\" }\nengagement dc3-acl { title: \"b\" }\n";
        let why = refusal(two, "|", "DC3-ACL").expect("refused");
        assert!(
            why.contains("an engagement whose name differs only in case"),
            "{why}"
        );
        assert_eq!(
            refusal(two, "|", "DC2-ACL"),
            None,
            "its own name in other case"
        );
        let types = "enum |vendor { cisco, juniper }\nrecord window { start: date }\n";
        for builtin in ["text", "vlan", "person", "list"] {
            let why = refusal(types, "|", builtin).expect("refused");
            assert!(why.contains("a built-in type"), "{why}");
        }
        assert_eq!(refusal(types, "|", "vendors"), None);
    }

    /// The `@` of a person reference belongs to it: a cursor on it (just before it) finds the
    /// person, as one just after it does.
    #[test]
    fn the_at_of_a_person_reference_finds_the_person() {
        let text = "person priya { name: \"P\" }\nengagement e { owner: @priya }\n";
        let estate = Estate::from_sources([("a.sdd", text)]);
        let analysis = analyze(&estate, &Options::default());
        let index = Index::build(&estate);
        let ide = Ide::new(&estate, &analysis, &index);
        let at = text.find("@priya").expect("the reference");
        let declared = text.find("priya").expect("the declaration");
        for offset in [at, at + 1] {
            let found = ide.definition(FileId(0), offset).expect("a definition");
            assert_eq!(found.span.start as usize, declared, "at {offset}");
            assert!(ide.hover(FileId(0), offset).is_some(), "at {offset}");
            let name = ide.prepare_rename(FileId(0), offset).expect("renamable");
            assert_eq!(&text[name.range()], "priya");
            assert_eq!(ide.references(FileId(0), offset, true).len(), 2);
        }
        // The `{` before `owner` is no reference.
        assert_eq!(ide.definition(FileId(0), at - 1), None);
    }
}

#[cfg(test)]
mod variants {
    use crate::analysis::{analyze, Options};
    use crate::estate::Estate;
    use crate::ide::{Ide, Index};
    use crate::source::FileId;

    const TEXT: &str = "enum vendor { cisco-iosxr, juniper-junos }\n\
        enum os { cisco-iosxr, linux }\n\
        profile p { domain: network field vendors: list<vendor> field os: os }\n\
        engagement e { profile: p vendors: [cisco-iosxr, juniper-junos] os: cisco-iosxr }\n";

    /// The offsets where `needle`'s `n`-th occurrence starts.
    fn at(needle: &str, n: usize) -> usize {
        TEXT.match_indices(needle).nth(n).expect("the occurrence").0
    }

    /// An enum variant is a name like any other: definition, references and rename find the
    /// variant of the enum the field's type names, not a variant of the same name of another.
    #[test]
    fn a_variant_is_found_declared_used_and_renamed_through_its_enum() {
        let estate = Estate::from_sources([("a.sdd", TEXT)]);
        let analysis = analyze(&estate, &Options::default());
        let index = Index::build(&estate);
        let ide = Ide::new(&estate, &analysis, &index);
        let file = FileId(0);
        // `vendors: [cisco-iosxr` is the third `cisco-iosxr`: vendor's, declared first.
        let used = at("cisco-iosxr", 2);
        let declared = ide.definition(file, used).expect("a definition");
        assert_eq!(declared.span.start as usize, at("cisco-iosxr", 0));
        // `os: cisco-iosxr` (the fourth) is the os enum's, declared second.
        let other = ide
            .definition(file, at("cisco-iosxr", 3))
            .expect("a definition");
        assert_eq!(other.span.start as usize, at("cisco-iosxr", 1));
        let uses: Vec<usize> = (ide.references(file, at("cisco-iosxr", 0), false).iter())
            .map(|l| l.span.start as usize)
            .collect();
        assert_eq!(uses, [used]);
        let edits = ide.rename(file, used, "cisco-xr").expect("renamed");
        let mut edited: Vec<usize> = edits.iter().map(|e| e.span.start as usize).collect();
        edited.sort();
        assert_eq!(edited, [at("cisco-iosxr", 0), used]);
        // The hover still says what the variant means, where it is used and where declared.
        for offset in [used, at("cisco-iosxr", 0)] {
            let hover = ide.hover(file, offset).expect("a hover").markdown;
            assert!(hover.contains("A variant of enum `vendor`"), "{hover}");
        }
    }
}
