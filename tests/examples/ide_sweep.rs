//! `ide_sweep SEED ROUNDS [FOLDER…]`: the editor-feature sweep of `sdd_tests::ide_sweep`,
//! for as many rounds as asked (default seed 1, 200 rounds), over the example estate or over
//! each folder given as an estate of its own. Prints each panic found and the totals; exits
//! with 1 if any query panicked.
//!
//! `cargo run --release -p sdd-tests --example ide_sweep -- 7 2000`
//! `cargo run --release -p sdd-tests --example ide_sweep -- 7 50 examples/broken/*`

use sdd_tests::ide_sweep;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number =
        |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (seed, rounds) = (number(0, 1), number(1, 200) as usize);
    let estates: Vec<Vec<(String, String)>> = if args.len() > 2 {
        (args[2..].iter())
            .map(|dir| ide_sweep::estate_at(std::path::Path::new(dir)))
            .collect()
    } else {
        vec![ide_sweep::example_estate()]
    };
    // The panics are caught and reported below; the default hook would print each twice.
    std::panic::set_hook(Box::new(|_| {}));
    let mut panics = 0;
    for files in estates.iter().filter(|f| !f.is_empty()) {
        let sweep = ide_sweep::run(files, seed, rounds);
        for failure in &sweep.failures {
            println!("{failure}");
        }
        panics += sweep.failures.len();
        println!(
            "seed {seed}, {} files from {}: {} rounds, {} queries, {} panics",
            files.len(),
            files[0].0,
            sweep.rounds,
            sweep.queries,
            sweep.failures.len()
        );
    }
    if panics == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
