//! Running one heavy test case in a child process whose wall time and peak resident memory
//! are measured and bounded, and fresh temporary folders for such cases.
//!
//! A test calls [`bounded`] with its own name: the test binary runs again, filtered to that
//! test, with [`CHILD`] set; there the case runs directly, and the parent asserts that it
//! passed within the bounds. A case that goes quadratic or runs away with memory fails the
//! test instead of stalling the suite or taking the machine down.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Wall time one case's child process may take, writing its files included.
pub const CHILD_TIME_BOUND: Duration = Duration::from_secs(60);
/// Peak resident memory any one limit case may use, in KiB.
pub const MEMORY_BOUND_KIB: i64 = 512 * 1024;
/// Wall time one step of a case (a check, a build) may take: a safety net, not a benchmark.
pub const STEP_TIME_BOUND: Duration = Duration::from_secs(10);

/// Run one step of a case, print its time and assert it took less than [`STEP_TIME_BOUND`].
pub fn timed<T>(what: &str, step: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = step();
    let elapsed = start.elapsed();
    eprintln!("{what} in {elapsed:?}");
    assert!(elapsed < STEP_TIME_BOUND, "{what} took {elapsed:?}");
    out
}

/// Set in the child process that runs one case.
pub const CHILD: &str = "SDD_LIMITS_CHILD";

/// Run `case` in a child process (this test binary, filtered to `name`) and assert that it
/// passes within [`MEMORY_BOUND_KIB`]. In the child, run it directly.
pub fn bounded(name: &str, case: impl FnOnce()) {
    if std::env::var_os(CHILD).is_some() {
        case();
        return;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let start = Instant::now();
    let mut child = Command::new(exe)
        .args([name, "--exact", "--include-ignored", "--test-threads=1"])
        .env(CHILD, "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the test binary runs");
    let stdout = child.stdout.take().expect("piped");
    let (status, max_rss_kib) = wait_with_usage(child);
    let elapsed = start.elapsed();
    // libtest's few lines fit in the pipe, so reading after the exit cannot block.
    let report = std::io::read_to_string(stdout).expect("the child's report");
    assert!(
        elapsed < CHILD_TIME_BOUND,
        "{name} took {elapsed:?} and was stopped (bound {CHILD_TIME_BOUND:?})"
    );
    assert!(
        report.contains("1 passed"),
        "{name} did not run in its child process:\n{report}"
    );
    assert!(status == 0, "{name} failed in its child process");
    eprintln!("{name}: {elapsed:?}, peak RSS {max_rss_kib} KiB");
    assert!(
        max_rss_kib < MEMORY_BOUND_KIB,
        "{name} peaked at {max_rss_kib} KiB (bound {MEMORY_BOUND_KIB} KiB)"
    );
}

/// Wait for one child (reaped by `wait4`, which also reports its own resource usage, unlike
/// `Child::wait`) and return its exit status and its peak RSS in KiB. A child still running
/// after [`CHILD_TIME_BOUND`] is killed, so a case that never ends fails instead of hanging.
fn wait_with_usage(child: std::process::Child) -> (i32, i64) {
    let pid = child.id();
    let exited = std::sync::Arc::new(std::sync::Mutex::new(false));
    let (done, stop) = std::sync::mpsc::channel::<()>();
    let watchdog = {
        let exited = exited.clone();
        std::thread::spawn(move || {
            if stop.recv_timeout(CHILD_TIME_BOUND).is_err() {
                // Until the child is reaped below its pid cannot be reused, so this kills it.
                if !*exited.lock().expect("the flag") {
                    // SAFETY: kill has no memory effects; the pid is our unreaped child.
                    unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
                }
            }
        })
    };
    // Wait for the exit without reaping, so the watchdog never signals a reused pid.
    // SAFETY: `info` is plain data that `waitid` fills in.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOWAIT,
        )
    };
    *exited.lock().expect("the flag") = true;
    drop(done);
    let _ = watchdog.join();
    let mut status = 0;
    // SAFETY: `rusage` is plain data that `wait4` fills in; `pid` is our own child, waited once.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid as libc::pid_t, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss)
}

/// A fresh, empty folder for one test.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("sdd-bounded-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp folder");
        TempDir(dir)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).expect("write a test file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
