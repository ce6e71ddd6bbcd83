//! The table of diagnostic codes: each code's default severity, title and explanation.
//!
//! Codes are stable: a pipeline may filter on them. The long explanations shown by
//! `sdd explain CODE` live in `explain/SDDnnn.md` beside this file, one per code, each with an
//! example that triggers it.

use crate::diagnostic::Severity;

macro_rules! codes {
    ($($variant:ident = $code:literal, $sev:ident, $title:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written: `SDD101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The usual severity; a few checks choose another one per case (SDD403).
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// A one-line title.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// The long explanation with an example, shown by `sdd explain`.
            pub fn explanation(self) -> &'static str {
                match self { $(Code::$variant => include_str!(concat!("explain/", $code, ".md")),)* }
            }
        }
    };
}

codes! {
    Sdd001 = "SDD001", Error, "syntax error";
    Sdd002 = "SDD002", Error, "input limit exceeded";
    Sdd003 = "SDD003", Error, "character that shows text otherwise than it is read";
    Sdd101 = "SDD101", Error, "unknown name";
    Sdd102 = "SDD102", Error, "duplicate declaration";
    Sdd103 = "SDD103", Error, "type mismatch";
    Sdd104 = "SDD104", Error, "missing required field";
    Sdd105 = "SDD105", Error, "unknown field";
    Sdd106 = "SDD106", Error, "unknown enum variant";
    Sdd201 = "SDD201", Error, "phase block out of order or repeated";
    Sdd202 = "SDD202", Error, "phase present without a valid Gate 1";
    Sdd203 = "SDD203", Error, "build or as-built without a valid Gate 2";
    Sdd204 = "SDD204", Error, "stale approval";
    Sdd205 = "SDD205", Error, "missing or malformed fingerprint";
    Sdd206 = "SDD206", Error, "approver lacks authority";
    Sdd207 = "SDD207", Error, "approver is the engagement owner";
    Sdd208 = "SDD208", Error, "dates out of order";
    Sdd209 = "SDD209", Error, "quorum not met";
    Sdd210 = "SDD210", Error, "not ready for Gate 1";
    Sdd211 = "SDD211", Error, "not ready for Gate 2";
    Sdd301 = "SDD301", Error, "open deviation in a delivered engagement";
    Sdd302 = "SDD302", Error, "deviation affects no design component";
    Sdd303 = "SDD303", Error, "deviation accepted without an authorised approver";
    Sdd304 = "SDD304", Error, "undeclared deviation";
    Sdd305 = "SDD305", Error, "requirement not verified";
    Sdd306 = "SDD306", Error, "accepted deviation has expired";
    Sdd401 = "SDD401", Error, "unknown asset";
    Sdd402 = "SDD402", Error, "no asset version satisfies the constraint";
    Sdd403 = "SDD403", Warning, "reuse of a deprecated (warning) or retired (error) asset";
    Sdd404 = "SDD404", Error, "dependency cycle";
    Sdd405 = "SDD405", Error, "extends an engagement that is not reconciled";
    Sdd406 = "SDD406", Warning, "missed reuse";
    Sdd407 = "SDD407", Error, "asset produced twice or at an undeclared version";
    Sdd501 = "SDD501", Error, "agent autonomy above the profile's limit";
    Sdd502 = "SDD502", Error, "agent or autonomy inconsistent with the executor";
}

impl Code {
    /// Parse `SDD101` or `sdd101`.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
