//! Writing files atomically: a temporary file in the same folder, then a rename, so a reader
//! (or a crash) never sees a half-written file; edits in place that never overwrite a
//! read-only file or another edit; and syncing a whole staged folder at once.

use std::io::Write;
use std::path::Path;

/// Write a new file (or replace one) atomically, with the default permissions.
pub fn atomic_write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_then_rename(path, contents, None)
}

/// Why an edit in place was not written.
#[derive(Debug)]
pub enum EditError {
    /// The file is read-only: someone locked it, an approved record perhaps.
    ReadOnly,
    /// The file no longer holds what the edit was made from: another edit (a second `sdd
    /// approve` run at the same time) came first. The edit is made again from the new text.
    Changed,
    Io(std::io::Error),
}

impl From<std::io::Error> for EditError {
    fn from(e: std::io::Error) -> Self {
        EditError::Io(e)
    }
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::ReadOnly => write!(f, "the file is read-only"),
            EditError::Changed => write!(f, "the file changed while it was being edited"),
            EditError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Replace an existing file's contents atomically, as an edit in place would (`sdd fmt`,
/// `sdd approve`), if it still holds `read`, the text the edit was made from, and is not
/// read-only. A symbolic link is followed, not replaced by a file, and the file keeps its
/// permissions (given to the new file before it takes the old one's place, so a private file
/// is never readable by others, not even for a moment). While the file is compared and
/// replaced, an exclusive advisory lock on it keeps out every other edit made this way, so of
/// two edits made from the same text one is written and the other is told [`EditError::Changed`]
/// (without the lock both were written, and the first was lost: one of two approvals).
pub fn edit_file(path: &Path, read: &[u8], contents: &[u8]) -> Result<(), EditError> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    if metadata.permissions().readonly() {
        return Err(EditError::ReadOnly);
    }
    let file = std::fs::File::open(&target)?;
    lock(&file)?;
    // Read by path: an edit that came first has renamed a new file into place.
    if std::fs::read(&target)? != read {
        return Err(EditError::Changed);
    }
    write_then_rename(&target, contents, Some(&metadata))?;
    // The lock goes with `file`.
    Ok(())
}

/// Wait for an exclusive advisory lock on an open file (released when it is closed).
fn lock(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        loop {
            // SAFETY: the descriptor is open for the duration of the call.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(());
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
    #[cfg(not(unix))]
    {
        // The comparison alone: a narrower window, not a closed one.
        let _ = file;
        Ok(())
    }
}

/// Write `contents` to a new file beside `path`, then rename it over `path`. With `like`, the
/// metadata of the file it replaces, the new file gets its permissions and, on Unix, its owner
/// and group where the system lets us (as root, `sdd fmt` of a file someone else owns leaves
/// it theirs).
fn write_then_rename(
    path: &Path,
    contents: &[u8],
    like: Option<&std::fs::Metadata>,
) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        if let Some(like) = like {
            file.set_permissions(like.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                let made = file.metadata()?;
                if (made.uid(), made.gid()) != (like.uid(), like.gid()) {
                    // Refused to one who is not root (another's file stays writable to us only
                    // through a folder we may write): the new file is then ours.
                    let _ = std::os::unix::fs::fchown(&file, Some(like.uid()), Some(like.gid()));
                }
            }
        }
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Flush every written file of the file system holding `dir` to disk: one call instead of a
/// sync per file (Linux `syncfs`; elsewhere each file of the folder is synced).
pub fn sync_file_system(dir: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let folder = std::fs::File::open(dir)?;
        // SAFETY: the descriptor is open for the duration of the call.
        if unsafe { libc::syncfs(folder.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        fn sync_tree(dir: &Path) -> std::io::Result<()> {
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path.is_dir() {
                    sync_tree(&path)?;
                } else {
                    std::fs::File::open(&path)?.sync_all()?;
                }
            }
            Ok(())
        }
        sync_tree(dir)
    }
}

/// Swap two folders in one atomic step (Linux `renameat2` with `RENAME_EXCHANGE`), so a reader
/// or a killed process never sees either path missing. Fails where the system or file system
/// cannot, and the caller falls back to two renames.
pub fn exchange_folders(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
        let (a, b) = (c(a)?, c(b)?);
        // SAFETY: both paths are valid NUL-terminated strings for the duration of the call.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Err(std::io::Error::other(
            "atomic exchange is not available here",
        ))
    }
}
