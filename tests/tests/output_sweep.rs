//! Every output of a broken estate is produced without a panic: manifests, SARIF, reports,
//! graphs, impact, readiness and approvals (`sdd_tests::output_sweep`), over randomly broken
//! example estates.

#[test]
fn every_output_of_a_broken_estate_is_produced() {
    let seed = sdd_tests::env_or("SDD_SWEEP_SEED", 0x5eed);
    let rounds = sdd_tests::env_or("SDD_SWEEP_ROUNDS", 40);
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
