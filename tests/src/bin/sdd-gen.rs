//! `sdd-gen`: write a synthetic estate. `sdd-gen --requirements N [--seed S] --out DIR`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let get = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let requirements: usize = get("--requirements")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let seed: u64 = get("--seed").and_then(|v| v.parse().ok()).unwrap_or(1);
    let Some(out) = get("--out") else {
        eprintln!("usage: sdd-gen --requirements N [--seed S] --out DIR");
        std::process::exit(2);
    };
    let files = sdd_tests::generate::estate(requirements, seed);
    match sdd_tests::generate::write(std::path::Path::new(&out), &files) {
        Ok(bytes) => println!(
            "wrote {} files, {bytes} bytes, ~{requirements} requirements to {out}",
            files.len()
        ),
        Err(e) => {
            eprintln!("sdd-gen: {e}");
            std::process::exit(2);
        }
    }
}
