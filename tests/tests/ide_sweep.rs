//! The editor features never panic on a broken file: a few rounds of the sweep in
//! `sdd_tests::ide_sweep` (every IDE entry point at every offset of a randomly broken example
//! file, and at random offsets of the rest of the estate). Longer sweeps:
//! `cargo run --release -p sdd-tests --example ide_sweep -- SEED ROUNDS`.

use sdd_tests::ide_sweep;

#[test]
fn every_editor_feature_answers_at_every_offset_of_a_broken_file() {
    let seed = sdd_tests::env_or("SDD_SWEEP_SEED", 0x5eed);
    let sweep = ide_sweep::run(&ide_sweep::example_estate(), seed, 12);
    let failures: Vec<String> = sweep.failures.iter().map(|f| f.to_string()).collect();
    assert!(
        failures.is_empty(),
        "seed {seed}: {} panics:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(sweep.rounds, 12);
    // Every offset of each broken file was asked: far more queries than rounds.
    assert!(sweep.queries > 12 * 1_000, "{} queries", sweep.queries);
}
