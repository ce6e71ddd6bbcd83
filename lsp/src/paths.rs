//! Paths as they enter the server, a workspace folder the client gives or a document's URI,
//! made the names the walk gives the same files, so that one file is never in an estate twice:
//! `ws/./people.sdd`, `ws//people.sdd` and, with the folder opened through a symbolic link,
//! the file's real path all name the walk's `ws/people.sdd`. Paths are compared by their
//! canonical form where the file exists, and lexically (`.` and `//` taken out) otherwise.

use std::path::{Path, PathBuf};

use crate::convert;

/// A path with its `.` components and repeated or trailing separators taken out (`..` is
/// kept: only the file system knows where it leads).
pub fn lexical(path: &Path) -> PathBuf {
    path.components().collect()
}

/// A workspace folder, as the client gave it (lexically normalised) and as the file system
/// resolves it.
pub struct Root {
    pub given: PathBuf,
    canonical: Option<PathBuf>,
}

impl Root {
    pub fn new(given: &Path) -> Root {
        Root {
            given: given.to_path_buf(),
            canonical: std::fs::canonicalize(given).ok(),
        }
    }
}

/// The estate name of the document a client names `name` (a file's path, or an `untitled:`
/// URI, kept as it is): its path lexically normalised; or, when that is the path of a file
/// that the file system resolves to one below a root, the name the walk of that root gives the
/// file, if the estate holds that file (`holds`) or the path is under no root at all.
pub fn document_name(roots: &[Root], name: &str, holds: impl Fn(&str) -> bool) -> String {
    let path = Path::new(name);
    if !path.is_absolute() {
        return name.to_string();
    }
    let plain = lexical(path);
    let plain_name = convert::name_of_path(&plain);
    let Ok(resolved) = std::fs::canonicalize(&plain) else {
        return plain_name;
    };
    let walked = (roots.iter())
        .filter_map(|root| {
            let relative = resolved.strip_prefix(root.canonical.as_ref()?).ok()?;
            Some((root.given.components().count(), root.given.join(relative)))
        })
        .max_by_key(|(depth, _)| *depth)
        .map(|(_, walked)| convert::name_of_path(&walked));
    match walked {
        Some(walked) if walked == plain_name => plain_name,
        Some(walked) => {
            let under_a_root = roots.iter().any(|r| plain.starts_with(&r.given));
            if holds(&walked) || !under_a_root {
                walked
            } else {
                plain_name
            }
        }
        None => plain_name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_and_doubled_separators_are_taken_out() {
        assert_eq!(
            lexical(Path::new("/ws/./a//b.sdd")),
            Path::new("/ws/a/b.sdd")
        );
        assert_eq!(lexical(Path::new("/ws/.")), Path::new("/ws"));
        assert_eq!(lexical(Path::new("/ws//")), Path::new("/ws"));
        let roots = [Root::new(Path::new("/no-such-sdd-root"))];
        assert_eq!(
            document_name(&roots, "/no-such-sdd-root//x/./y.sdd", |_| false),
            "/no-such-sdd-root/x/y.sdd"
        );
        assert_eq!(
            document_name(&roots, "untitled:Untitled-1", |_| true),
            "untitled:Untitled-1"
        );
    }
}
