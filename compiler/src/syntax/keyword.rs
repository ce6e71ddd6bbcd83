//! The keywords that start an item, as a closed set.
//!
//! An item's keyword is one of these by construction (the parsers make an item only after one
//! of them, or after a misspelling they read as one), so the tree keeps it as a [`Keyword`]:
//! checks that walk every requirement of an estate compare a byte, not a string. The text
//! is [`Keyword::as_str`]; [`KEYWORDS`] lists them all in the grammar's order.

/// A keyword that starts an item. Keywords are not reserved: `test: …` is still a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Keyword {
    Person,
    Role,
    Enum,
    Record,
    Profile,
    Asset,
    Engagement,
    Field,
    Requirements,
    Requirement,
    Constraint,
    Gate,
    Feasibility,
    Finding,
    Risk,
    Design,
    Component,
    Test,
    Build,
    AsBuilt,
    Built,
    Deviation,
    Verified,
}

impl Keyword {
    /// Every keyword, in the grammar's order.
    pub const ALL: [Keyword; 23] = [
        Keyword::Person,
        Keyword::Role,
        Keyword::Enum,
        Keyword::Record,
        Keyword::Profile,
        Keyword::Asset,
        Keyword::Engagement,
        Keyword::Field,
        Keyword::Requirements,
        Keyword::Requirement,
        Keyword::Constraint,
        Keyword::Gate,
        Keyword::Feasibility,
        Keyword::Finding,
        Keyword::Risk,
        Keyword::Design,
        Keyword::Component,
        Keyword::Test,
        Keyword::Build,
        Keyword::AsBuilt,
        Keyword::Built,
        Keyword::Deviation,
        Keyword::Verified,
    ];

    /// The keywords that declare a file's items (the first of [`Keyword::ALL`]).
    pub const DECLARATIONS: &'static [Keyword] = Keyword::ALL.split_at(7).0;

    /// The keyword as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Keyword::Person => "person",
            Keyword::Role => "role",
            Keyword::Enum => "enum",
            Keyword::Record => "record",
            Keyword::Profile => "profile",
            Keyword::Asset => "asset",
            Keyword::Engagement => "engagement",
            Keyword::Field => "field",
            Keyword::Requirements => "requirements",
            Keyword::Requirement => "requirement",
            Keyword::Constraint => "constraint",
            Keyword::Gate => "gate",
            Keyword::Feasibility => "feasibility",
            Keyword::Finding => "finding",
            Keyword::Risk => "risk",
            Keyword::Design => "design",
            Keyword::Component => "component",
            Keyword::Test => "test",
            Keyword::Build => "build",
            Keyword::AsBuilt => "as_built",
            Keyword::Built => "built",
            Keyword::Deviation => "deviation",
            Keyword::Verified => "verified",
        }
    }

    /// Keywords as text, joined: `requirement or constraint`.
    pub fn join(kinds: &[Keyword], separator: &str) -> String {
        let texts: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        texts.join(separator)
    }

    /// The keyword spelt `text`, if it is one.
    pub fn from_text(text: &str) -> Option<Keyword> {
        Some(match text {
            "person" => Keyword::Person,
            "role" => Keyword::Role,
            "enum" => Keyword::Enum,
            "record" => Keyword::Record,
            "profile" => Keyword::Profile,
            "asset" => Keyword::Asset,
            "engagement" => Keyword::Engagement,
            "field" => Keyword::Field,
            "requirements" => Keyword::Requirements,
            "requirement" => Keyword::Requirement,
            "constraint" => Keyword::Constraint,
            "gate" => Keyword::Gate,
            "feasibility" => Keyword::Feasibility,
            "finding" => Keyword::Finding,
            "risk" => Keyword::Risk,
            "design" => Keyword::Design,
            "component" => Keyword::Component,
            "test" => Keyword::Test,
            "build" => Keyword::Build,
            "as_built" => Keyword::AsBuilt,
            "built" => Keyword::Built,
            "deviation" => Keyword::Deviation,
            "verified" => Keyword::Verified,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Keyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every keyword's text, in the grammar's order.
pub const KEYWORDS: [&str; Keyword::ALL.len()] = {
    let mut texts = [""; Keyword::ALL.len()];
    let mut i = 0;
    while i < texts.len() {
        texts[i] = Keyword::ALL[i].as_str();
        i += 1;
    }
    texts
};

#[cfg(test)]
mod tests {
    use super::{Keyword, KEYWORDS};

    /// Each keyword is read back from its text, and no other text is a keyword.
    #[test]
    fn every_keyword_reads_back_from_its_text() {
        for keyword in Keyword::ALL {
            assert_eq!(Keyword::from_text(keyword.as_str()), Some(keyword));
        }
        let mut texts = KEYWORDS.to_vec();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), Keyword::ALL.len(), "texts are distinct");
        for other in [
            "",
            "Requirement",
            "requirement ",
            "as-built",
            "gates",
            "verify",
        ] {
            assert_eq!(Keyword::from_text(other), None, "{other:?}");
        }
    }

    /// The declarations are the first keywords of `ALL`, as the parser's "expected a
    /// declaration (person, role, …)" lists them.
    #[test]
    fn the_declarations_are_the_seven_that_start_a_files_items() {
        let names: Vec<&str> = Keyword::DECLARATIONS.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "person",
                "role",
                "enum",
                "record",
                "profile",
                "asset",
                "engagement"
            ]
        );
    }
}
