//! A synthetic estate of a given size: persons, roles, profiles, an asset inventory with
//! `requires` chains, and engagements at every status with requirements, designs, tests,
//! as-built records and real fingerprints and approvals, so the whole checker runs.
//! Deterministic for a seed: the same arguments give the same bytes.

use std::fmt::Write as _;

use sdd::check::engagement::Engagement;
use sdd::check::names::Namespace;
use sdd::estate::Estate;
use sdd::syntax::Keyword;

/// Requirements per engagement and engagements per file (about 1,000 requirements a file).
pub const REQS_PER_ENGAGEMENT: usize = 20;
pub const ENGAGEMENTS_PER_FILE: usize = 50;
const ASSETS: usize = 200;
const LEADS: usize = 20;
const ENGINEERS: usize = 100;

/// (file name, text) for an estate of about `requirements` requirements.
pub fn estate(requirements: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let common = common_file();
    let engagements = requirements.div_ceil(REQS_PER_ENGAGEMENT);
    let files = engagements.div_ceil(ENGAGEMENTS_PER_FILE);
    let mut out = vec![("common.sdd".to_string(), common.clone())];
    for f in 0..files {
        let mut text = String::new();
        for e in 0..ENGAGEMENTS_PER_FILE.min(engagements - f * ENGAGEMENTS_PER_FILE) {
            engagement(&mut text, f, e, REQS_PER_ENGAGEMENT, &mut rng);
        }
        out.push((
            format!("engagements/batch-{f:04}.sdd"),
            approve(&common, &text),
        ));
    }
    out
}

/// (file name, text) for the estate's declarations and one reconciled engagement of
/// `requirements` requirements, each designed, tested, verified and approved.
pub fn one_engagement(requirements: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let common = common_file();
    let mut text = String::new();
    // Engagement 4 of a file is the first that is reconciled.
    engagement(&mut text, 0, 4, requirements, &mut rng);
    vec![
        ("common.sdd".to_string(), common.clone()),
        ("engagements/one.sdd".to_string(), approve(&common, &text)),
    ]
}

fn common_file() -> String {
    let mut t =
        String::from("// Synthetic estate: people, roles, profiles and the asset inventory.\n\n");
    for l in 0..LEADS {
        let _ = writeln!(
            t,
            "person lead-{l} {{\n  name: \"Lead {l}\"\n  roles: [network-lead]\n}}\n"
        );
    }
    for e in 0..ENGINEERS {
        let _ = writeln!(t, "person eng-{e} {{\n  name: \"Engineer {e}\"\n}}\n");
    }
    t.push_str(
        "role network-lead {\n  approves: [spec, design, deviation]\n  domains: [network]\n}\n\n",
    );
    t.push_str("record window {\n  start: datetime\n  length: duration\n}\n\n");
    t.push_str(
        "profile gen-provisioning {\n  domain: network\n  field targets: list<text>\n  field change_window: window\n  field rollback_plan: text\n  field peer_asn: asn\n  autonomy_limit: supervised\n}\n\n",
    );
    for a in 0..ASSETS {
        let requires = if a % 10 == 0 {
            String::new()
        } else {
            format!("\n  requires: [gen-asset-{} \"^1.0\"]", a - 1)
        };
        let _ = writeln!(
            t,
            "asset gen-asset-{a} {{\n  version: 1.2.0\n  versions: [1.0.0, 1.1.0]\n  domain: network\n  kind: workflow\n  provides: [capability-{a}]{requires}\n  owner: @lead-{}\n  status: active\n}}\n",
            a % LEADS
        );
    }
    t
}

fn engagement(t: &mut String, f: usize, e: usize, reqs: usize, rng: &mut fastrand::Rng) {
    let name = format!("gen-{f:04}-{e:02}");
    // Every status: 0 drafting, 1 specified, 2 approved, 3 building, 4+ reconciled.
    let phase = e % 8;
    let owner = rng.usize(0..ENGINEERS);
    let asn = 64512 + rng.u32(0..1000);
    let site = rng.u32(0..500);
    let _ = write!(
        t,
        "/// Synthetic engagement {name}.\nengagement {name} {{\n  profile: gen-provisioning\n  title: \"Provision eBGP peering for site {site}\"\n  owner: @eng-{owner}\n  opened: 2026-01-05\n  targets: [\"edge-{site}-1\", \"edge-{site}-2\"]\n  change_window: {{ start: 2026-03-01T02:00Z length: 2h }}\n  rollback_plan: \"Remove the neighbor stanza for AS {asn}\"\n  peer_asn: {asn}\n\n  requirements {{\n"
    );
    for r in 1..=reqs {
        let _ = write!(
            t,
            "    requirement R{r} \"Session {r} with transit AS {asn} is established and advertises only approved prefixes\" {{\n      priority: must\n      acceptance: \"show bgp summary reports Established for AS {asn} within 60 s, check {r}\"\n    }}\n"
        );
    }
    t.push_str("  }\n");
    let lead = rng.usize(0..LEADS);
    if phase >= 1 {
        let _ = write!(t, "\n  gate spec {{\n    approved_by: @lead-{lead}\n    on: 2026-01-20\n    fingerprint: \"SPEC-{name}\"\n  }}\n");
        t.push_str("\n  feasibility {\n    decision: feasible\n    risk K1 \"Route leak if the filter is misapplied\" {\n      severity: high\n      mitigation: \"max-prefix limit on the session\"\n    }\n  }\n");
    }
    let asset = rng.usize(0..ASSETS);
    if phase >= 2 {
        let half = reqs / 2;
        let list = |from: usize, to: usize| {
            (from..=to)
                .map(|r| format!("R{r}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(
            t,
            "\n  design {{\n    component peer-config \"Render and push the neighbor config\" {{\n      reuses: gen-asset-{asset} \"^1.1\"\n      satisfies: [{}]\n    }}\n    component prefix-filter \"Build the outbound prefix list\" {{\n      new_because: \"site-specific prefix sets\"\n      satisfies: [{}]\n    }}\n    test T1 \"Sessions established\" {{ verifies: [{}] }}\n  }}\n",
            list(1, half),
            list(half + 1, reqs),
            list(1, reqs)
        );
        let _ = write!(t, "\n  gate design {{\n    approved_by: @lead-{}\n    on: 2026-02-02\n    fingerprint: \"DESIGN-{name}\"\n  }}\n", (lead + 1) % LEADS);
    }
    if phase >= 3 {
        let _ = write!(t, "\n  build {{\n    executor: human\n    operator: @eng-{}\n    started: 2026-03-01\n  }}\n", (owner + 1) % ENGINEERS);
    }
    if phase >= 4 {
        t.push_str("\n  as_built {\n    recorded: 2026-03-03\n");
        let _ = writeln!(
            t,
            "    built peer-config {{ uses: gen-asset-{asset} 1.2.0 }}"
        );
        t.push_str("    built prefix-filter { notes: \"generated per site\" }\n");
        for r in 1..=reqs {
            let _ = writeln!(t, "    verified R{r} by T1 {{ result: pass on: 2026-03-02 evidence: \"job {:08x}\" }}", rng.u32(..));
        }
        t.push_str("  }\n");
    }
    t.push_str("}\n\n");
}

/// Replace the fingerprint placeholders with the real fingerprints of each engagement.
fn approve(common: &str, text: &str) -> String {
    let estate = Estate::from_sources([("common.sdd", common), ("batch.sdd", text)]);
    let mut scratch = Vec::new();
    let ns = Namespace::build(&estate, &mut scratch);
    let file = estate.files.find("batch.sdd").expect("the batch file");
    let mut out = text.to_string();
    for item in estate
        .ast(file)
        .items
        .iter()
        .filter(|i| i.kind() == Keyword::Engagement)
    {
        let e = Engagement::new(&ns, file, item);
        let (spec, design) = sdd::check::governance::fingerprints(&e);
        out = out
            .replacen(&format!("SPEC-{}\"", e.name()), &format!("{spec}\""), 1)
            .replacen(&format!("DESIGN-{}\"", e.name()), &format!("{design}\""), 1);
    }
    out
}

/// Write an estate to a folder (created if missing).
pub fn write(dir: &std::path::Path, files: &[(String, String)]) -> std::io::Result<u64> {
    let mut bytes = 0;
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
        bytes += text.len() as u64;
    }
    Ok(bytes)
}
