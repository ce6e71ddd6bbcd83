//! The schema: which fields and nested blocks every kind of item allows, and their types.
//!
//! This table is the language's type system for everything that is not user-declared: the
//! type checker walks the tree against it (SDD103–SDD106), the language server reads it for
//! completion and hover, and the formatter for nothing at all. Fields that readiness checks
//! demand (a requirement's `acceptance`, a gate's `fingerprint`) are optional here so that a
//! draft still type-checks; the governance checks report them with their own codes.

use crate::syntax::Keyword;

/// The type of a schema field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Text,
    Int,
    Date,
    Version,
    Person,
    /// A free identifier (capabilities, fingerprints of nothing).
    Ident,
    /// One of fixed words.
    Choice(&'static [&'static str]),
    List(&'static Ty),
    /// A person, or a list of persons.
    Persons,
    /// A name declared at the top level with this keyword.
    Decl(&'static str),
    /// A name declared inside the same engagement by one of these item keywords.
    Local(&'static [Keyword]),
    /// `asset "constraint"`.
    AssetConstraint,
    /// `asset 1.2.3`.
    AssetVersion,
    /// A type expression: `text`, `list<cidr>`, an enum or record name.
    Type,
    /// `{ spec: 1 design: 2 }`.
    Quorum,
}

impl Ty {
    pub fn describe(self) -> String {
        match self {
            Ty::Text => "a string".into(),
            Ty::Int => "an integer".into(),
            Ty::Date => "a date".into(),
            Ty::Version => "a version".into(),
            Ty::Person => "a person reference (`@name`)".into(),
            Ty::Ident => "a name".into(),
            Ty::Choice(words) => format!("one of {}", words.join(", ")),
            Ty::List(t) => format!("a list of {}", t.describe()),
            Ty::Persons => "a person reference or a list of them".into(),
            Ty::Decl(kind) => format!("the name of a {kind}"),
            Ty::Local(kinds) => format!("the name of a {}", Keyword::join(kinds, " or ")),
            Ty::AssetConstraint => "an asset with a version constraint (`name \"^1.2\"`)".into(),
            Ty::AssetVersion => "an asset with a version (`name 1.2.3`)".into(),
            Ty::Type => "a type".into(),
            Ty::Quorum => "a quorum record (`{ spec: 1 design: 2 }`)".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRule {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

/// Whether a part of an item header is required, optional or not allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    Never,
}

#[derive(Debug, Clone, Copy)]
pub struct ItemRule {
    pub keyword: Keyword,
    pub name: Need,
    pub title: Need,
    pub by: Need,
    pub body: Need,
    /// `field NAME?: TYPE` only.
    pub ty: Need,
    /// At most one per parent block.
    pub once: bool,
    pub block: &'static Block,
    pub doc: &'static str,
}

/// What a block's body may hold.
#[derive(Debug, Clone, Copy)]
pub struct Block {
    pub fields: &'static [FieldRule],
    pub items: &'static [ItemRule],
    /// `enum` bodies hold variants.
    pub variants: bool,
    /// `record` bodies hold `name: TYPE` fields of any name; engagements hold profile fields.
    pub open_fields: bool,
}

const fn f(name: &'static str, ty: Ty, required: bool, doc: &'static str) -> FieldRule {
    FieldRule {
        name,
        ty,
        required,
        doc,
    }
}

const fn block(fields: &'static [FieldRule], items: &'static [ItemRule]) -> Block {
    Block {
        fields,
        items,
        variants: false,
        open_fields: false,
    }
}

#[allow(clippy::too_many_arguments)]
const fn item(
    keyword: Keyword,
    name: Need,
    title: Need,
    by: Need,
    body: Need,
    once: bool,
    block: &'static Block,
    doc: &'static str,
) -> ItemRule {
    ItemRule {
        keyword,
        name,
        title,
        by,
        body,
        ty: Need::Never,
        once,
        block,
        doc,
    }
}

use Need::{Never, Optional as Opt, Required as Req};

pub const DOMAINS: &[&str] = &["network", "infrastructure"];
pub const GATES: &[&str] = &["spec", "design"];
pub const APPROVALS: &[&str] = &["spec", "design", "deviation"];
pub const AUTONOMY: &[&str] = &["supervised", "autonomous"];
pub const EXECUTORS: &[&str] = &["human", "assisted", "agent"];
pub const PRIORITIES: &[&str] = &["must", "should", "may"];
pub const DECISIONS: &[&str] = &[
    "feasible",
    "feasible-with-constraints",
    "feasible-with-changes",
    "not-feasible",
];
pub const FINDING_STATUS: &[&str] = &["confirmed", "open", "blocked"];
pub const SEVERITIES: &[&str] = &["low", "medium", "high"];
pub const ASSET_KINDS: &[&str] = &["workflow", "template", "module", "playbook", "policy"];
pub const ASSET_STATUS: &[&str] = &["active", "deprecated", "retired"];
pub const DEVIATION_STATUS: &[&str] = &["open", "accepted", "reverted"];
pub const RESULTS: &[&str] = &["pass", "fail"];

/// The built-in type names a `field` or `record` may use.
pub const BUILTIN_TYPES: &[&str] = &[
    "text",
    "int",
    "decimal",
    "bool",
    "date",
    "datetime",
    "duration",
    "version",
    "constraint",
    "person",
    "ip",
    "cidr",
    "asn",
    "vlan",
];

static PERSON: Block = block(
    &[
        f("name", Ty::Text, true, "The person's full name."),
        f(
            "roles",
            Ty::List(&Ty::Decl("role")),
            false,
            "Roles the person holds.",
        ),
        f("email", Ty::Text, false, "Contact address."),
    ],
    &[],
);
static ROLE: Block = block(
    &[
        f(
            "approves",
            Ty::List(&Ty::Choice(APPROVALS)),
            true,
            "What holders may approve: spec, design, deviation.",
        ),
        f(
            "domains",
            Ty::List(&Ty::Choice(DOMAINS)),
            true,
            "Domains the approval authority covers.",
        ),
    ],
    &[],
);
static ENUM: Block = Block {
    fields: &[],
    items: &[],
    variants: true,
    open_fields: false,
};
static RECORD: Block = Block {
    fields: &[],
    items: &[],
    variants: false,
    open_fields: true,
};
static EMPTY: Block = block(&[], &[]);
static PROFILE: Block = block(
    &[
        f(
            "domain",
            Ty::Choice(DOMAINS),
            true,
            "The domain: network or infrastructure.",
        ),
        f(
            "description",
            Ty::Text,
            false,
            "What this class of engagement is.",
        ),
        f(
            "autonomy_limit",
            Ty::Choice(AUTONOMY),
            false,
            "Most autonomy an agent may have (default supervised).",
        ),
        f(
            "quorum",
            Ty::Quorum,
            false,
            "Distinct approvers each gate needs (default 1 each).",
        ),
    ],
    &[ItemRule {
        keyword: Keyword::Field,
        name: Req,
        title: Never,
        by: Never,
        body: Never,
        ty: Req,
        once: false,
        block: &EMPTY,
        doc: "A field every engagement of this profile carries: `field NAME[?]: TYPE`.",
    }],
);
static ASSET: Block = block(
    &[
        f("version", Ty::Version, true, "The current version."),
        f(
            "versions",
            Ty::List(&Ty::Version),
            false,
            "Other releases still available.",
        ),
        f(
            "domain",
            Ty::Choice(DOMAINS),
            true,
            "network or infrastructure.",
        ),
        f(
            "kind",
            Ty::Choice(ASSET_KINDS),
            true,
            "workflow, template, module, playbook or policy.",
        ),
        f(
            "provides",
            Ty::List(&Ty::Ident),
            false,
            "Capabilities the asset provides.",
        ),
        f(
            "requires",
            Ty::List(&Ty::AssetConstraint),
            false,
            "Assets it depends on, with constraints.",
        ),
        f("owner", Ty::Person, true, "Who maintains it."),
        f(
            "status",
            Ty::Choice(ASSET_STATUS),
            true,
            "active, deprecated or retired.",
        ),
        f("source", Ty::Text, false, "Where it lives."),
        f("description", Ty::Text, false, "What it does."),
    ],
    &[],
);

static REQUIREMENT: Block = block(
    &[
        f(
            "priority",
            Ty::Choice(PRIORITIES),
            false,
            "must, should or may.",
        ),
        f(
            "acceptance",
            Ty::Text,
            false,
            "How the requirement is accepted.",
        ),
        f("rationale", Ty::Text, false, "Why it is required."),
    ],
    &[],
);
static CONSTRAINT: Block = block(
    &[f("rationale", Ty::Text, false, "Why it constrains.")],
    &[],
);
static REQUIREMENTS: Block = block(
    &[],
    &[
        item(
            Keyword::Requirement,
            Req,
            Req,
            Never,
            Opt,
            false,
            &REQUIREMENT,
            "A requirement: `requirement ID \"text\" { priority: … acceptance: … }`.",
        ),
        item(
            Keyword::Constraint,
            Req,
            Req,
            Never,
            Opt,
            false,
            &CONSTRAINT,
            "A constraint: `constraint ID \"text\"`.",
        ),
    ],
);
static GATE: Block = block(
    &[
        f(
            "approved_by",
            Ty::Persons,
            true,
            "Who approved: one person or a list.",
        ),
        f("on", Ty::Date, true, "The approval date."),
        f(
            "fingerprint",
            Ty::Text,
            false,
            "The fingerprint that was approved: `sha256:…`.",
        ),
    ],
    &[],
);
static FINDING: Block = block(
    &[
        f(
            "status",
            Ty::Choice(FINDING_STATUS),
            true,
            "confirmed, open or blocked.",
        ),
        f("note", Ty::Text, false, "Detail."),
    ],
    &[],
);
static RISK: Block = block(
    &[
        f(
            "severity",
            Ty::Choice(SEVERITIES),
            true,
            "low, medium or high.",
        ),
        f("mitigation", Ty::Text, false, "How the risk is mitigated."),
    ],
    &[],
);
static FEASIBILITY: Block = block(
    &[f(
        "decision",
        Ty::Choice(DECISIONS),
        false,
        "The feasibility decision.",
    )],
    &[
        item(
            Keyword::Finding,
            Req,
            Req,
            Never,
            Req,
            false,
            &FINDING,
            "A feasibility finding.",
        ),
        item(
            Keyword::Risk,
            Req,
            Req,
            Never,
            Req,
            false,
            &RISK,
            "A risk and its mitigation.",
        ),
    ],
);
static COMPONENT: Block = block(
    &[
        f(
            "reuses",
            Ty::AssetConstraint,
            false,
            "The inventory asset this component reuses, with a constraint.",
        ),
        f(
            "capability",
            Ty::Ident,
            false,
            "What it does; used to find missed reuse.",
        ),
        f(
            "new_because",
            Ty::Text,
            false,
            "Why no inventory asset is reused.",
        ),
        f(
            "satisfies",
            Ty::List(&Ty::Local(&[Keyword::Requirement, Keyword::Constraint])),
            false,
            "Requirements and constraints it satisfies.",
        ),
    ],
    &[],
);
static TEST: Block = block(
    &[
        f(
            "verifies",
            Ty::List(&Ty::Local(&[Keyword::Requirement])),
            false,
            "Requirements this test verifies.",
        ),
        f("method", Ty::Text, false, "How the test is run."),
    ],
    &[],
);
static DESIGN: Block = block(
    &[f(
        "rollback",
        Ty::Text,
        false,
        "How the change is rolled back.",
    )],
    &[
        item(
            Keyword::Component,
            Req,
            Opt,
            Never,
            Req,
            false,
            &COMPONENT,
            "A design component.",
        ),
        item(
            Keyword::Test,
            Req,
            Req,
            Never,
            Opt,
            false,
            &TEST,
            "A test that verifies requirements.",
        ),
    ],
);
static BUILD: Block = block(
    &[
        f(
            "executor",
            Ty::Choice(EXECUTORS),
            true,
            "human, assisted or agent.",
        ),
        f(
            "agent",
            Ty::Text,
            false,
            "The agent, when the executor is an agent.",
        ),
        f(
            "autonomy",
            Ty::Choice(AUTONOMY),
            false,
            "supervised or autonomous (agents only).",
        ),
        f(
            "operator",
            Ty::Person,
            false,
            "Who ran or supervised the build.",
        ),
        f("workflow", Ty::Text, false, "What was executed."),
        f("started", Ty::Date, true, "When the build started."),
    ],
    &[],
);
static BUILT: Block = block(
    &[
        f(
            "uses",
            Ty::AssetVersion,
            false,
            "The exact asset version used.",
        ),
        f(
            "produces",
            Ty::AssetVersion,
            false,
            "An asset version this component produced.",
        ),
        f("notes", Ty::Text, false, "Notes."),
    ],
    &[],
);
static DEVIATION: Block = block(
    &[
        f(
            "affects",
            Ty::Ident,
            false,
            "The design component (or built entry) it affects; checked by SDD302.",
        ),
        f("cause", Ty::Text, true, "Why the build deviates."),
        f(
            "status",
            Ty::Choice(DEVIATION_STATUS),
            true,
            "open, accepted or reverted.",
        ),
        f("approved_by", Ty::Person, false, "Who accepted it."),
        f(
            "expires",
            Ty::Date,
            false,
            "When a temporary deviation ends.",
        ),
    ],
    &[],
);
static VERIFIED: Block = block(
    &[
        f("result", Ty::Choice(RESULTS), true, "pass or fail."),
        f("on", Ty::Date, true, "When it was verified."),
        f("evidence", Ty::Text, false, "Where the evidence is."),
    ],
    &[],
);
static AS_BUILT: Block = block(
    &[f(
        "recorded",
        Ty::Date,
        true,
        "When the as-built record was made.",
    )],
    &[
        item(
            Keyword::Built,
            Req,
            Never,
            Never,
            Opt,
            false,
            &BUILT,
            "What was built for a design component.",
        ),
        item(
            Keyword::Deviation,
            Req,
            Req,
            Never,
            Req,
            false,
            &DEVIATION,
            "A deviation from the approved design.",
        ),
        item(
            Keyword::Verified,
            Req,
            Never,
            Req,
            Req,
            false,
            &VERIFIED,
            "`verified REQUIREMENT by TEST { … }`.",
        ),
    ],
);
static ENGAGEMENT: Block = Block {
    fields: &[
        f(
            "profile",
            Ty::Decl("profile"),
            true,
            "The profile: the typed schema of this engagement.",
        ),
        f("title", Ty::Text, true, "A one-line title."),
        f(
            "owner",
            Ty::Person,
            true,
            "The engineer who owns the engagement.",
        ),
        f("opened", Ty::Date, true, "When it was opened."),
        f(
            "extends",
            Ty::Decl("engagement"),
            false,
            "Day-2 work: the reconciled engagement this extends.",
        ),
    ],
    items: &[
        item(
            Keyword::Requirements,
            Never,
            Never,
            Never,
            Req,
            true,
            &REQUIREMENTS,
            "Requirements and constraints (Gate 1 content).",
        ),
        item(
            Keyword::Gate,
            Req,
            Never,
            Never,
            Req,
            false,
            &GATE,
            "An approval: `gate spec { … }` or `gate design { … }`.",
        ),
        item(
            Keyword::Feasibility,
            Never,
            Never,
            Never,
            Req,
            true,
            &FEASIBILITY,
            "Feasibility findings and risks.",
        ),
        item(
            Keyword::Design,
            Never,
            Never,
            Never,
            Req,
            true,
            &DESIGN,
            "The solution design (Gate 2 content).",
        ),
        item(
            Keyword::Build,
            Never,
            Never,
            Never,
            Req,
            true,
            &BUILD,
            "The execution record.",
        ),
        item(
            Keyword::AsBuilt,
            Never,
            Never,
            Never,
            Req,
            true,
            &AS_BUILT,
            "What was actually built.",
        ),
    ],
    variants: false,
    open_fields: true,
};

/// The top-level declarations.
pub static FILE: Block = block(
    &[],
    &[
        item(
            Keyword::Person,
            Req,
            Never,
            Never,
            Req,
            false,
            &PERSON,
            "A person who can own or approve work.",
        ),
        item(
            Keyword::Role,
            Req,
            Never,
            Never,
            Req,
            false,
            &ROLE,
            "Who may approve which gate, in which domain.",
        ),
        item(
            Keyword::Enum,
            Req,
            Never,
            Never,
            Req,
            false,
            &ENUM,
            "An enumeration: `enum NAME { a, b }`.",
        ),
        item(
            Keyword::Record,
            Req,
            Never,
            Never,
            Req,
            false,
            &RECORD,
            "A record type: `record NAME { FIELD: TYPE … }`.",
        ),
        item(
            Keyword::Profile,
            Req,
            Never,
            Never,
            Req,
            false,
            &PROFILE,
            "The typed schema of a class of engagement.",
        ),
        item(
            Keyword::Asset,
            Req,
            Never,
            Never,
            Req,
            false,
            &ASSET,
            "An entry of the automation asset inventory.",
        ),
        item(
            Keyword::Engagement,
            Req,
            Never,
            Never,
            Req,
            false,
            &ENGAGEMENT,
            "A piece of automation work.",
        ),
    ],
);

impl Block {
    pub fn field(&self, name: &str) -> Option<&'static FieldRule> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn item(&self, keyword: Keyword) -> Option<&'static ItemRule> {
        self.items.iter().find(|i| i.keyword == keyword)
    }
}

/// The block rule for an item reached by a chain of keywords from the top level.
pub fn rule_for(path: &[&str]) -> Option<&'static ItemRule> {
    let mut block: &'static Block = &FILE;
    let mut rule = None;
    for keyword in path {
        let r = block.item(Keyword::from_text(keyword)?)?;
        block = r.block;
        rule = Some(r);
    }
    rule
}
