//! `sdd-bench`: the scale benchmark of issue 7. For each size it generates an estate and prints
//! its bytes, the wall time and peak RSS of `sdd check` and `sdd build`, MB/s, requirements/s,
//! and the time of the lexer alone over the same files (the ceiling), with the ratio to it, and
//! the time of the lexer and parser alone (no checks), to show how much of the ratio is parsing.
//!
//! `cargo build --release -p sdd-compiler -p sdd-tests && target/release/sdd-bench [SIZES…]`
//! (default sizes 1000 10000 100000; `--runs N` takes the median of N runs, default 3).
//! `sdd-bench --shapes` measures the estates of unusual shape in `sdd_tests::shapes` instead.
//!
//! The lexer is timed twice. In process (`lex1`, `lexN`): over texts already in memory, the
//! best of the runs. As a process (`lexP`), timed as `sdd check` is: this binary run with
//! `--lex-process DIR`, which finds the files, reads them and lexes them on every core, and
//! does nothing else, so that it pays what `sdd check` pays before its first check (starting,
//! reading, memory). `÷lexN` and `÷lexP` are `sdd check`'s time over each.
//!
//! `sdd check`, `lexP`, `floorP` and `spanP` run in rounds, one run of each per round; each
//! time printed is the median of its runs, and each ratio between two of them (`÷lexP`,
//! `÷floorP`, `floor÷lexP`, `span÷lexP`) the median of the ratios within a round. The machine's
//! speed drifts while a benchmark runs, and this keeps the drift out of the ratios.
//!
//! `floorP` is the least a checker that fingerprints what it checks must do, timed the same
//! way (`--floor-process DIR`): find, read and lex the files and hash every byte of them with
//! SHA-256, on every core. A fingerprint hashes the canonical JSON of an engagement's content,
//! which on these estates is 0.8 times the source's size, so hashing the source stands in for
//! it. `÷floorP` is `sdd check`'s time over it; `floor÷lexP` is how far above the lexer this
//! floor already lies before anything is parsed or checked.
//!
//! `spanP` is the least a checker built on a tree of spans could do before it checks
//! anything (`--span-floor-process DIR`, see [`span_tree_floor`]): the floor, plus a node for
//! each token that carries content and the framing of the canonical JSON. `span÷lexP` says
//! how much of the 3× budget such a design would have spent before its first check.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// The allocator `sdd` itself uses, so the lexer runs here as it does there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    peak_rss_kib: i64,
    ok: bool,
}

/// Run a command, waiting with wait4 to read its own peak RSS.
// The child is reaped by wait4, which std's Child does not know about.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> Run {
    let start = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the command starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our child's and both out-pointers are valid for the call.
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    Run {
        wall: start.elapsed(),
        peak_rss_kib: usage.ru_maxrss,
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    }
}

/// One run of `program`, its arguments given by `args`, started by a fresh `sdd-bench
/// --measure`, a small process: the peak RSS a process reports includes its parent's at the
/// moment it was spawned, and this one's is large (it holds the estates it generated).
fn run_once(program: &Path, args: &dyn Fn(&mut Command)) -> Run {
    let me = std::env::current_exe().expect("own path");
    let mut command = Command::new(&me);
    command.arg("--measure").arg(program);
    args(&mut command);
    let output = command.output().expect("sdd-bench --measure runs");
    let report = String::from_utf8_lossy(&output.stdout);
    let mut fields = report.split_whitespace().map(|f| f.parse::<i64>());
    let mut next = || fields.next().and_then(Result::ok).unwrap_or(0);
    Run {
        wall: Duration::from_nanos(next() as u64),
        peak_rss_kib: next(),
        ok: next() == 1,
    }
}

/// A program and the arguments of one of its runs.
type Job<'a> = (&'a Path, &'a dyn Fn(&mut Command));

/// `runs` rounds, each running every job once, in order; the runs of each job, round by
/// round. This machine is a shared VM whose speed drifts by half within minutes: the jobs of
/// one round run under about the same conditions, so a ratio taken within rounds
/// ([`median_ratio`]) is steadier than the ratio of medians taken minutes apart.
fn rounds(runs: usize, jobs: &[Job<'_>]) -> Vec<Vec<Run>> {
    let mut by_job: Vec<Vec<Run>> = jobs.iter().map(|_| Vec::with_capacity(runs)).collect();
    for _ in 0..runs {
        for (job, done) in jobs.iter().zip(&mut by_job) {
            done.push(run_once(job.0, job.1));
        }
    }
    by_job
}

/// The run of median wall time.
fn median(runs: &[Run]) -> Run {
    let mut order = runs.to_vec();
    order.sort_by_key(|r| r.wall);
    order[order.len() / 2]
}

/// The median over the rounds of `a`'s wall time over `b`'s in the same round.
fn median_ratio(a: &[Run], b: &[Run]) -> f64 {
    let mut ratios: Vec<f64> = (a.iter().zip(b))
        .map(|(a, b)| a.wall.as_secs_f64() / b.wall.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// The run of median wall time among `runs` runs of one job.
fn median_run(program: &Path, runs: usize, args: impl Fn(&mut Command)) -> Run {
    median(&rounds(runs, &[(program, &args)])[0])
}

/// `--measure PROGRAM ARGS…`: run the program once and print its wall time in nanoseconds, its
/// peak RSS in KiB and 1 if it exited with 0 (else 0).
fn measure_one(program: &str, args: impl Iterator<Item = String>) {
    let run = measure(Command::new(program).args(args));
    println!(
        "{} {} {}",
        run.wall.as_nanos(),
        run.peak_rss_kib,
        i64::from(run.ok)
    );
}

/// The lexer alone over one text: its token count.
fn lex(text: &str) -> usize {
    let lexed = sdd::syntax::token::lex(sdd::source::FileId(0), text);
    lexed.tokens.len()
}

/// The lexer and parser alone (the tree, no checks) over one text: its item count.
fn parse(text: &str) -> usize {
    sdd::syntax::parse(sdd::source::FileId(0), text)
        .ast
        .items
        .len()
}

/// The best of `runs` timings of `pass` over every text, on one thread or on all.
fn best_time(texts: &[String], runs: usize, parallel: bool, pass: fn(&str) -> usize) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let counted: usize = if parallel {
                texts.par_iter().map(|t| pass(t.as_str())).sum()
            } else {
                texts.iter().map(|t| pass(t.as_str())).sum()
            };
            std::hint::black_box(counted);
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// `--lex-process DIR` and `--floor-process DIR`: find the `.sdd` files under `DIR`, read
/// each and give it to `pass` in parallel, print the sum of what it returns.
fn files_process(dir: &Path, pass: fn(&str) -> usize) {
    let mut paths = Vec::new();
    let unlisted = sdd::estate::sdd_files_under(dir, &mut paths);
    assert!(
        unlisted.is_empty(),
        "folders that could not be listed: {unlisted:?}"
    );
    let counted: usize = paths
        .par_iter()
        .map(|p| pass(&std::fs::read_to_string(p).expect("a readable file")))
        .sum();
    println!("{counted}");
}

/// The floor over one text: the lexer, then SHA-256 of every byte (its token count plus a
/// byte of the digest, so neither pass can be left out).
fn lex_and_hash(text: &str) -> usize {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    lex(text) + usize::from(digest[0])
}

/// The least a checker built on a tree of spans could do before it checks anything, over one
/// text: lex it, record a node (token, span, parent block) for every token that carries
/// content, and SHA-256 the canonical JSON's worth of it: the text of every node inside a
/// `requirements`, `feasibility` or `design` block, with three bytes of framing each and one
/// where the parent changes: 0.89 of the bytes of those blocks' canonical JSON on `sdd-gen`'s
/// 1k estate. It neither parses nor checks; a real tree costs more than its nodes. Returns
/// its token count, plus the parity of the bytes hashed and a byte of the digest, so no pass
/// can be left out.
fn span_tree_floor(text: &str) -> usize {
    let (tokens, hashed, digest) = span_tree_hash(text);
    tokens + hashed % 2 + usize::from(digest[0])
}

/// [`span_tree_floor`]'s work: the token count, the bytes hashed and their SHA-256.
fn span_tree_hash(text: &str) -> (usize, usize, [u8; 32]) {
    use sdd::syntax::token::Token;
    use sha2::Digest;
    struct Node {
        token: Token,
        /// Inside a block the fingerprints cover.
        hashed: bool,
        span: sdd::source::Span,
        /// The node of the innermost `{` or `[` around it (`u32::MAX` at the top level).
        parent: u32,
    }
    let lexed = sdd::syntax::token::lex(sdd::source::FileId(0), text);
    let mut nodes: Vec<Node> = Vec::with_capacity(lexed.tokens.len());
    // The open blocks, innermost last: each one's node and whether it is hashed.
    let mut open: Vec<(u32, bool)> = vec![(u32::MAX, false)];
    let mut previous = None;
    for &(token, span) in &lexed.tokens {
        let (parent, inside) = open.last().copied().unwrap_or((u32::MAX, false));
        match token {
            Token::LBrace | Token::LBracket => {
                let starts = previous.is_some_and(|p: sdd::source::Span| {
                    matches!(&text[p.range()], "requirements" | "feasibility" | "design")
                });
                let hashed = inside || starts;
                open.push((nodes.len() as u32, hashed));
                nodes.push(Node {
                    token,
                    hashed,
                    span,
                    parent,
                });
            }
            Token::RBrace | Token::RBracket => {
                if open.len() > 1 {
                    open.pop();
                }
            }
            Token::Colon | Token::Comma | Token::LineComment | Token::DocComment => {}
            _ => nodes.push(Node {
                token,
                hashed: inside,
                span,
                parent,
            }),
        }
        previous = Some(span);
    }
    let mut hasher = sha2::Sha256::new();
    let mut hashed = 0;
    let mut buffer: Vec<u8> = Vec::with_capacity(8 * 1024 + 256);
    let mut last_parent = u32::MAX;
    for node in nodes.iter().filter(|n| n.hashed) {
        // A block's nodes follow it: a change of parent stands for closing one.
        if node.parent != last_parent {
            buffer.push(b'}');
            last_parent = node.parent;
        }
        match node.token {
            Token::LBrace => buffer.extend_from_slice(b"{\"fields\":{"),
            Token::LBracket => buffer.push(b'['),
            _ => {
                buffer.push(b'"');
                buffer.extend_from_slice(text[node.span.range()].as_bytes());
                buffer.extend_from_slice(b"\":");
            }
        }
        if buffer.len() >= 8 * 1024 {
            hasher.update(&buffer);
            hashed += buffer.len();
            buffer.clear();
        }
    }
    hasher.update(&buffer);
    hashed += buffer.len();
    // As `sdd check` does, the process ends without freeing what it built.
    std::mem::forget(nodes);
    (lexed.tokens.len(), hashed, hasher.finalize().into())
}

fn sdd_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    exe.with_file_name("sdd")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("readable").flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "sdd") {
            out.push(p);
        }
    }
}

fn main() {
    let mut runs = 3;
    let mut sizes = Vec::new();
    let mut shapes = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
            "--shapes" => shapes = true,
            "--lex-process" => {
                return files_process(Path::new(&args.next().expect("a folder")), lex);
            }
            "--floor-process" => {
                return files_process(Path::new(&args.next().expect("a folder")), lex_and_hash);
            }
            "--span-floor-process" => {
                return files_process(Path::new(&args.next().expect("a folder")), span_tree_floor);
            }
            "--measure" => {
                let program = args.next().expect("a program");
                return measure_one(&program, args);
            }
            size => sizes.extend(size.parse::<usize>().ok()),
        }
    }
    if sizes.is_empty() {
        sizes = vec![1_000, 10_000, 100_000];
    }
    let sdd = sdd_binary();
    assert!(
        sdd.exists(),
        "build the release binaries first: cargo build --release -p sdd-compiler -p sdd-tests"
    );
    println!(
        "sdd-bench: {} core(s), median of {runs} run(s), binary {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        sdd.display()
    );
    if shapes {
        return bench_shapes(&sdd, runs);
    }
    println!(
        "{:>8} {:>10} {:>9} {:>9} {:>11} {:>9} {:>9} {:>9} {:>9} {:>7} {:>9} {:>7} {:>9} {:>9} {:>11} {:>9} {:>9} {:>8} {:>10} {:>9} {:>10}",
        "reqs",
        "bytes",
        "check s",
        "MB/s",
        "reqs/s",
        "RSS MiB",
        "build s",
        "lex1 s",
        "lexN s",
        "÷lexN",
        "lexP s",
        "÷lexP",
        "parse1 s",
        "parseN s",
        "parseN÷lexN",
        "RSS/size",
        "floorP s",
        "÷floorP",
        "floor÷lexP",
        "spanP s",
        "span÷lexP"
    );
    let mut previous: Option<(usize, f64)> = None;
    for n in sizes {
        let dir = std::env::temp_dir().join(format!("sdd-bench-{n}"));
        let _ = std::fs::remove_dir_all(&dir);
        let files = sdd_tests::generate::estate(n, 1);
        let bytes = sdd_tests::generate::write(&dir, &files).expect("estate written");

        // `sdd check` and the three floors, in rounds, so that their ratios are taken within
        // rounds; then `sdd build`, whose disk writes would disturb the others.
        let me = std::env::current_exe().expect("own path");
        let check_args = |c: &mut Command| {
            c.args(["check", "--format", "short", "--no-git"]).arg(&dir);
        };
        let lex_args = |c: &mut Command| {
            c.arg("--lex-process").arg(&dir);
        };
        let floor_args = |c: &mut Command| {
            c.arg("--floor-process").arg(&dir);
        };
        let span_args = |c: &mut Command| {
            c.arg("--span-floor-process").arg(&dir);
        };
        let measured = rounds(
            runs,
            &[
                (&sdd, &check_args),
                (&me, &lex_args),
                (&me, &floor_args),
                (&me, &span_args),
            ],
        );
        let [check_runs, lex_runs, floor_runs, span_runs] = &measured[..] else {
            unreachable!("four jobs")
        };
        let (check, lex_p) = (median(check_runs), median(lex_runs));
        let (floor_p, span_p) = (median(floor_runs), median(span_runs));
        let out = std::env::temp_dir().join(format!("sdd-bench-{n}-out"));
        let build = median_run(&sdd, runs, |c| {
            c.arg("build").arg(&dir).arg("-o").arg(&out);
        });

        let mut paths = Vec::new();
        files_under(&dir, &mut paths);
        let texts: Vec<String> = paths
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("readable"))
            .collect();
        let lex1 = best_time(&texts, runs, false, lex);
        let lex_n = best_time(&texts, runs, true, lex);
        let parse1 = best_time(&texts, runs, false, parse);
        let parse_n = best_time(&texts, runs, true, parse);

        let secs = check.wall.as_secs_f64();
        println!(
            "{:>8} {:>10} {:>9.3} {:>9.1} {:>11.0} {:>9.1} {:>9} {:>9.3} {:>9.3} {:>7.2} {:>9.3} {:>7.2} {:>9.3} {:>9.3} {:>11.2} {:>9.2} {:>9.3} {:>8.2} {:>10.2} {:>9.3} {:>10.2}",
            n,
            bytes,
            secs,
            bytes as f64 / 1e6 / secs,
            n as f64 / secs,
            check.peak_rss_kib as f64 / 1024.0,
            if build.ok {
                format!("{:.3}", build.wall.as_secs_f64())
            } else {
                "n/a".into()
            },
            lex1.as_secs_f64(),
            lex_n.as_secs_f64(),
            secs / lex_n.as_secs_f64(),
            lex_p.wall.as_secs_f64(),
            median_ratio(check_runs, lex_runs),
            parse1.as_secs_f64(),
            parse_n.as_secs_f64(),
            parse_n.as_secs_f64() / lex_n.as_secs_f64(),
            check.peak_rss_kib as f64 * 1024.0 / bytes as f64,
            floor_p.wall.as_secs_f64(),
            median_ratio(check_runs, floor_runs),
            median_ratio(floor_runs, lex_runs),
            span_p.wall.as_secs_f64(),
            median_ratio(span_runs, lex_runs),
        );
        if !check.ok {
            println!(
                "         (sdd check reported errors on the generated estate: it should be clean)"
            );
        }
        if let Some((m, t)) = previous {
            println!("         time ratio {n}/{m} requirements: {:.2}×", secs / t);
        }
        previous = Some((n, secs));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&out);
    }
}

/// `--shapes`: the estates of `sdd_tests::shapes`, each checked (short and rich reports) and
/// built (with `--allow-errors`, as some shapes have errors on purpose).
fn bench_shapes(sdd: &Path, runs: usize) {
    println!(
        "{:>14} {:>6} {:>10} {:>8} {:>8} {:>8} {:>8} {:>8}  what",
        "shape", "files", "bytes", "check s", "RSS MiB", "rich s", "build s", "RSS MiB"
    );
    for shape in sdd_tests::shapes::all() {
        let dir = std::env::temp_dir().join(format!("sdd-bench-{}", shape.name));
        let out = std::env::temp_dir().join(format!("sdd-bench-{}-out", shape.name));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&out);
        let bytes = sdd_tests::generate::write(&dir, &shape.files).expect("estate written");
        let short = median_run(sdd, runs, |c| {
            c.args(["check", "--no-git", "--format", "short"]).arg(&dir);
        });
        let rich = median_run(sdd, runs, |c| {
            c.args(["check", "--no-git"]).arg(&dir);
        });
        let build = median_run(sdd, runs, |c| {
            c.args(["build", "--allow-errors", "-o"])
                .arg(&out)
                .arg(&dir);
        });
        let mib = |r: &Run| r.peak_rss_kib as f64 / 1024.0;
        println!(
            "{:>14} {:>6} {:>10} {:>8.3} {:>8.1} {:>8.3} {:>8.3} {:>8.1}  {}",
            shape.name,
            shape.files.len(),
            bytes,
            short.wall.as_secs_f64(),
            mib(&short),
            rich.wall.as_secs_f64(),
            build.wall.as_secs_f64(),
            mib(&build),
            shape.what
        );
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&out);
    }
}

#[cfg(test)]
mod tests {
    use super::{median, median_ratio, span_tree_hash, Run};
    use sdd::syntax::Keyword;
    use std::time::Duration;

    /// The span floor is a floor: it hashes no more than the canonical JSON of the blocks
    /// the fingerprints cover, and not much less, so `spanP` neither overstates nor
    /// understates what hashing costs a checker.
    #[test]
    fn the_span_floor_hashes_about_what_the_fingerprints_hash() {
        let files = sdd_tests::generate::estate(1_000, 1);
        let hashed: usize = files.iter().map(|(_, text)| span_tree_hash(text).1).sum();
        let estate = sdd::estate::Estate::from_sources(files.iter().cloned());
        let mut canonical = 0;
        for file in estate.file_ids() {
            for engagement in &estate.ast(file).items {
                for block in engagement.items() {
                    if matches!(
                        block.kind(),
                        Keyword::Requirements | Keyword::Feasibility | Keyword::Design
                    ) {
                        let json = sdd::fingerprint::item_json(block);
                        canonical += sdd::fingerprint::canonical(&json).len();
                    }
                }
            }
        }
        assert!(
            hashed <= canonical && hashed * 10 >= canonical * 8,
            "hashed {hashed} bytes, canonical JSON of the blocks {canonical}"
        );
    }

    /// A ratio is taken within rounds: a machine twice as slow in one round slows both
    /// commands of that round, and the ratio holds where a ratio of medians would not.
    #[test]
    fn ratios_are_taken_within_rounds() {
        let runs = |ms: &[u64]| -> Vec<Run> {
            (ms.iter())
                .map(|&m| Run {
                    wall: Duration::from_millis(m),
                    peak_rss_kib: 0,
                    ok: true,
                })
                .collect()
        };
        // The check is 10× the lexer in every round while the machine slows down fourfold.
        let check = runs(&[100, 200, 400]);
        let lexer = runs(&[10, 20, 40]);
        assert_eq!(median_ratio(&check, &lexer), 10.0);
        // One round's lexer ran on a busy machine: its ratio is the outlier, where the ratio
        // of the medians (100 ms over 40 ms) would be 2.5.
        let check = runs(&[100, 100, 400]);
        let lexer = runs(&[10, 40, 40]);
        assert_eq!(median(&check).wall.as_millis(), 100);
        assert_eq!(median(&lexer).wall.as_millis(), 40);
        assert_eq!(median_ratio(&check, &lexer), 10.0);
    }

    /// It hashes what is inside those blocks and nothing outside them.
    #[test]
    fn the_span_floor_hashes_the_covered_blocks_only() {
        let text = "engagement e {\n  title: \"T\"\n  requirements {\n    requirement R1 \"A\" { priority: must }\n  }\n}\n";
        let digest = |t: &str| span_tree_hash(t).2;
        assert_eq!(digest(text), digest(&text.replace("\"T\"", "\"U\"")));
        assert_ne!(digest(text), digest(&text.replace("\"A\"", "\"B\"")));
        assert_ne!(digest(text), digest(&text.replace("must", "should")));
    }
}
