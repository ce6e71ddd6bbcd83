//! Every output of a broken estate is produced without a panic: manifests, SARIF, reports,
//! graphs, impact, readiness and approvals (`sdd_tests::output_sweep`), over randomly broken
//! example estates.

#[test]
fn every_output_of_a_broken_estate_is_produced() {
    let seed = std::env::var("SDD_SWEEP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed);
    let rounds = std::env::var("SDD_SWEEP_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(40);
    std::panic::set_hook(Box::new(|_| {}));
    let files = sdd_tests::ide_sweep::example_estate();
    let failures = sdd_tests::output_sweep::run(&files, seed, rounds);
    let _ = std::panic::take_hook();
    assert!(
        failures.is_empty(),
        "seed {seed}: {} panics:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
