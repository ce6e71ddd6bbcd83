//! The fixed estates the fuzzed file is checked against, built once per process.
//!
//! A [`Slot`] is an estate of fixed files plus one file whose text each execution replaces
//! (`Estate::update`, as the language server does), so only the fuzzed file is parsed again.

use std::sync::{Mutex, MutexGuard};

use sdd::analysis::{analyze_with, Analysis, Cache};
use sdd::estate::Estate;
use sdd::source::FileId;

/// The shared declarations of the example estate: people, roles, types, profiles.
pub const DECLARATIONS: &[(&str, &str)] = &[
    ("people.sdd", include_str!("../../examples/people.sdd")),
    ("profiles.sdd", include_str!("../../examples/profiles.sdd")),
    ("roles.sdd", include_str!("../../examples/roles.sdd")),
    ("types.sdd", include_str!("../../examples/types.sdd")),
];

/// The asset inventory of the example estate.
pub const INVENTORY: &[(&str, &str)] = &[
    (
        "inventory/cloud.sdd",
        include_str!("../../examples/inventory/cloud.sdd"),
    ),
    (
        "inventory/network.sdd",
        include_str!("../../examples/inventory/network.sdd"),
    ),
    (
        "inventory/server.sdd",
        include_str!("../../examples/inventory/server.sdd"),
    ),
];

/// Example engagements that need nothing beyond the declarations and the inventory (no
/// `extends`), at every status from drafting to reconciled.
pub const ENGAGEMENTS: &[&str] = &[
    include_str!("../../examples/engagements/cloud-lifecycle/aws-data-platform-vpc.sdd"),
    include_str!("../../examples/engagements/cloud-lifecycle/aws-payments-sandbox-account.sdd"),
    include_str!("../../examples/engagements/network-compliance/dc-fabric-golden-config-audit.sdd"),
    include_str!("../../examples/engagements/network-compliance/wan-golden-config-remediation.sdd"),
    include_str!("../../examples/engagements/network-provisioning/campus-vlan-rollout-bldg4.sdd"),
    include_str!("../../examples/engagements/network-provisioning/dc2-edge-bgp-peering.sdd"),
    include_str!("../../examples/engagements/network-provisioning/dc3-evpn-vlan-stretch.sdd"),
    include_str!("../../examples/engagements/server-compliance/pci-db-fleet-cis-l2-hardening.sdd"),
    include_str!("../../examples/engagements/server-compliance/web-fleet-cis-l1-hardening.sdd"),
];

/// The name of the fuzzed file in a slot estate.
pub const SLOT_NAME: &str = "zz-fuzzed.sdd";

/// An estate of fixed files plus one replaceable file.
pub struct Slot {
    pub estate: Estate,
    pub file: FileId,
}

impl Slot {
    pub fn new(fixed: &[(&str, &str)]) -> Slot {
        let sources = fixed
            .iter()
            .map(|&(name, text)| (name.to_string(), text.to_string()))
            .chain(std::iter::once((SLOT_NAME.to_string(), String::new())));
        let estate = Estate::from_sources(sources);
        let file = estate
            .files
            .find(SLOT_NAME)
            .expect("the slot file is part of the estate");
        Slot { estate, file }
    }

    /// Put `text` in the slot and analyse the whole estate.
    pub fn analyze(&mut self, text: &str) -> Analysis {
        self.analyze_into(text, &mut Cache::default())
    }

    /// Put `text` in the slot and analyse the whole estate into a new cache, as the language
    /// server's first analysis does.
    pub fn analyze_into(&mut self, text: &str, cache: &mut Cache) -> Analysis {
        self.estate.update(self.file, text.to_string());
        analyze_with(&self.estate, &crate::options(), cache)
    }

    /// Edit the estate twice after [`Slot::analyze_into`], analysing incrementally from its
    /// cache after each edit as the language server does: empty the file `edited`, then put
    /// its text back. Returns the analysis after the second edit, which must be the first's.
    pub fn analyze_after_edits(&mut self, edited: FileId, cache: &mut Cache) -> Analysis {
        let options = crate::options();
        let text = self.estate.files.text(edited).to_string();
        self.estate.update(edited, String::new());
        analyze_with(&self.estate, &options, cache);
        self.estate.update(edited, text);
        analyze_with(&self.estate, &options, cache)
    }
}

/// Lock a lazily built slot; a poisoned lock (an earlier property failed) is still usable.
pub fn lock(slot: &'static Mutex<Option<Slot>>, fixed: &[(&str, &str)]) -> SlotGuard {
    let mut guard = slot.lock().unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        *guard = Some(Slot::new(fixed));
    }
    SlotGuard(guard)
}

/// A locked, built slot.
pub struct SlotGuard(MutexGuard<'static, Option<Slot>>);

impl std::ops::Deref for SlotGuard {
    type Target = Slot;
    fn deref(&self) -> &Slot {
        self.0.as_ref().expect("built by lock")
    }
}

impl std::ops::DerefMut for SlotGuard {
    fn deref_mut(&mut self) -> &mut Slot {
        self.0.as_mut().expect("built by lock")
    }
}
