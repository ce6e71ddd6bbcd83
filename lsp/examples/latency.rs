//! Benchmark (not a test): the time from a `didChange` to the published diagnostics in a
//! large generated estate, and the initial load time.
//!
//! The estate is the bundled examples' shared files (people, roles, profiles, inventory) and
//! their engagements copied N times under new names (fingerprints do not cover the
//! engagement's name, so every copy's approvals still hold). The server runs in-process and
//! is driven over the real wire format. Each edit inserts or removes one character in an
//! engagement's title and waits for the diagnostics of that document version.
//!
//! With `--estate DIR` an existing estate is used instead (for example one written by
//! `sdd-gen --requirements 100000 --out DIR`) and the first file holding an engagement title is
//! edited. The memory figure is the peak RSS of this process, client and server together.
//!
//! cargo run --release -p sdd-lsp --example latency -- [--copies N] [--edits N] [--debounce MS]
//!     [--keep]   (leave the generated estate in the temp folder, to `sdd check` it)
//!     [--estate DIR]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sdd_lsp::wire_client::WireClient;
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);

/// The server binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    copies: usize,
    edits: usize,
    debounce_ms: u64,
    /// Leave the generated estate on disk.
    keep: bool,
    /// Use this estate instead of generating one.
    estate: Option<PathBuf>,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        copies: 100,
        edits: 200,
        debounce_ms: sdd_lsp::server::DEFAULT_DEBOUNCE.as_millis() as u64,
        keep: false,
        estate: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut number = || -> Result<u64, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{flag} needs a number"))
        };
        match flag.as_str() {
            "--copies" => out.copies = number()? as usize,
            "--edits" => out.edits = number()? as usize,
            "--debounce" => out.debounce_ms = number()?,
            "--keep" => out.keep = true,
            "--estate" => {
                out.estate = Some(PathBuf::from(it.next().ok_or("--estate needs a folder")?))
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(out)
}

fn sdd_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if !path.join(".sddignore").exists() {
                sdd_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "sdd") {
            out.push(path);
        }
    }
}

/// Rename every engagement of a file (and its `extends`) with a suffix; drop `produces`
/// from copies so no asset is produced twice.
fn copy_engagements(text: &str, suffix: &str, first: bool) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let renamed = if let Some(rest) = trimmed.strip_prefix("engagement ") {
            let name: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
            line.replacen(&name, &format!("{name}{suffix}"), 1)
        } else if let Some(rest) = trimmed.strip_prefix("extends: ") {
            let name: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
            line.replacen(&name, &format!("{name}{suffix}"), 1)
        } else {
            line.to_string()
        };
        if first {
            out.push_str(&renamed);
        } else {
            out.push_str(&drop_produces(&renamed));
        }
    }
    out
}

/// `built x { produces: asset 1.0.0 }` → `built x {  }`.
fn drop_produces(line: &str) -> String {
    let Some(at) = line.find("produces: ") else {
        return line.to_string();
    };
    let rest = &line[at + "produces: ".len()..];
    let mut end = 0;
    for _ in 0..2 {
        let word = rest[end..].trim_start();
        end = rest.len() - word.len();
        end += word
            .find(|c: char| c.is_whitespace() || c == '}')
            .unwrap_or(word.len());
    }
    format!("{}{}", &line[..at], &rest[end..])
}

/// Write the estate; returns (root, files, bytes, the file to edit).
fn generate(copies: usize) -> std::io::Result<(PathBuf, usize, usize, PathBuf)> {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let root = std::env::temp_dir().join(format!("sdd-latency-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut found = Vec::new();
    sdd_files(&examples, &mut found);
    let (mut files, mut bytes) = (0, 0);
    let mut edited = None;
    for path in &found {
        let relative = path.strip_prefix(&examples).unwrap_or(path);
        let text = std::fs::read_to_string(path)?;
        let is_engagement = text.lines().any(|l| l.starts_with("engagement "));
        let rounds = if is_engagement { copies.max(1) } else { 1 };
        for i in 0..rounds {
            let (target, content) = if is_engagement {
                let dir = root.join(format!("copy-{i:04}"));
                (
                    dir.join(relative),
                    copy_engagements(&text, &format!("-c{i}"), i == 0),
                )
            } else {
                (root.join(relative), text.clone())
            };
            std::fs::create_dir_all(target.parent().unwrap_or(&root))?;
            std::fs::write(&target, &content)?;
            files += 1;
            bytes += content.len();
            if edited.is_none() && is_engagement && content.contains("title: \"") {
                edited = Some(target);
            }
        }
    }
    let edited = edited.ok_or_else(|| std::io::Error::other("no engagement in examples/"))?;
    Ok((root, files, bytes, edited))
}

/// An existing estate: (root, files, bytes, the first file with an engagement title).
fn existing(root: &Path) -> std::io::Result<(PathBuf, usize, usize, PathBuf)> {
    let mut found = Vec::new();
    sdd_files(root, &mut found);
    let mut bytes = 0;
    let mut edited = None;
    for path in &found {
        let text = std::fs::read_to_string(path)?;
        bytes += text.len();
        if edited.is_none() && text.contains("engagement ") && text.contains("title: \"") {
            edited = Some(path.clone());
        }
    }
    let edited = edited.ok_or_else(|| std::io::Error::other("no engagement title to edit"))?;
    let root = std::fs::canonicalize(root)?;
    let edited = std::fs::canonicalize(edited)?;
    Ok((root, found.len(), bytes, edited))
}

/// The peak resident set size of this process, from /proc (Linux only).
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| format!("{:.0} MiB", kb / 1024.0))
        .unwrap_or_else(|| "unknown".to_string())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The `file:` URI of a path, as the server itself makes them.
fn uri_of(path: &Path) -> String {
    let name = sdd_lsp::convert::name_of_path(path);
    sdd_lsp::convert::uri(&name).map_or(name, |u| u.as_str().to_string())
}

/// The UTF-16 position just inside the first title's opening quote.
fn title_position(text: &str) -> Value {
    let at = text.find("title: \"").unwrap_or(0) + "title: \"".len();
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    json!({"line": line, "character": text[start..at].encode_utf16().count()})
}

async fn run(args: Args) -> Result<(), String> {
    let (root, files, bytes, edited) = match &args.estate {
        Some(dir) => existing(dir),
        None => generate(args.copies),
    }
    .map_err(|e| e.to_string())?;
    let origin = match &args.estate {
        Some(_) => "existing".to_string(),
        None => format!("{} engagement copies", args.copies),
    };
    println!(
        "estate: {files} files, {:.1} MiB ({origin}) in {}",
        bytes as f64 / (1024.0 * 1024.0),
        root.display()
    );
    let mut client = WireClient::start();
    let began = Instant::now();
    let init = client
        .request(
            "initialize",
            json!({"processId": null, "rootUri": uri_of(&root), "capabilities": {},
                   "initializationOptions": {"debounceMs": args.debounce_ms}}),
            TIMEOUT,
        )
        .await
        .map_err(|e| e.to_string())?;
    if init.get("error").is_some() {
        return Err(format!("initialize failed: {init}"));
    }
    let loaded = began.elapsed();
    client.notify("initialized", json!({})).await;

    let uri = uri_of(&edited);
    let text = std::fs::read_to_string(&edited).map_err(|e| e.to_string())?;
    let opened = Instant::now();
    client
        .notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "sdd", "version": 1, "text": text}}),
        )
        .await;
    let wait = |version: i64| {
        let uri = uri.clone();
        move |p: &Value| p["uri"] == json!(uri) && p["version"] == json!(version)
    };
    client
        .notification("textDocument/publishDiagnostics", wait(1), TIMEOUT)
        .await
        .map_err(|e| e.to_string())?;
    let first = opened.elapsed();
    println!(
        "initial load (initialize: read + parse every file): {}",
        ms(loaded)
    );
    println!(
        "first diagnostics after didOpen (full analysis, debounce {} ms): {}",
        args.debounce_ms,
        ms(first)
    );

    let at = title_position(&text);
    let mut samples = Vec::with_capacity(args.edits);
    for i in 0..args.edits {
        let version = i as i64 + 2;
        let change = if i % 2 == 0 {
            json!({"range": {"start": at, "end": at}, "text": "x"})
        } else {
            let end =
                json!({"line": at["line"], "character": at["character"].as_u64().unwrap_or(0) + 1});
            json!({"range": {"start": at, "end": end}, "text": ""})
        };
        let sent = Instant::now();
        client
            .notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
            )
            .await;
        client
            .notification("textDocument/publishDiagnostics", wait(version), TIMEOUT)
            .await
            .map_err(|e| e.to_string())?;
        samples.push(sent.elapsed());
        client.take_notifications("textDocument/publishDiagnostics");
    }
    samples.sort();
    println!(
        "didChange → publishDiagnostics over {} edits (debounce {} ms included): p50 {}, p95 {}, max {}",
        samples.len(),
        args.debounce_ms,
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.95)),
        ms(percentile(&samples, 1.0)),
    );
    println!("peak RSS (client and server): {}", peak_rss());
    let _ = client.stop(TIMEOUT).await;
    if !args.keep && args.estate.is_none() {
        let _ = std::fs::remove_dir_all(&root);
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    let outcome = match args() {
        Ok(args) => run(args).await,
        Err(e) => Err(e),
    };
    if let Err(e) = outcome {
        eprintln!("latency: {e}");
        std::process::exit(1);
    }
}
