//! The `--resume` file: a checkpoint that survives a kill at any moment.
//!
//! The file is only ever replaced whole (written beside it, synced, renamed
//! over it), so it always holds either the previous checkpoint or the new
//! one, never a mix. The checkpoint holds the next request's real URL, which
//! may carry credentials: the file is readable by its owner only (mode 0600),
//! and the file written beside it is created new, under a name no one can
//! guess, so that a planted file or symlink cannot redirect the write.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use pagewalk::Checkpoint;

/// The checkpoint stored in `path`, or `None` when there is no such file.
pub fn load(path: &Path) -> Result<Option<Checkpoint>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(format!(
                "cannot read checkpoint {}: {error}",
                path.display()
            ));
        }
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|error| format!("invalid checkpoint in {}: {error}", path.display()))
}

/// Replaces `path` atomically with `checkpoint`.
pub fn save(path: &Path, checkpoint: &Checkpoint) -> Result<(), String> {
    write_atomically(path, checkpoint)
        .map_err(|error| format!("cannot save checkpoint to {}: {error}", path.display()))
}

/// Removes `path`: the walk it tracked is complete.
pub fn remove(path: &Path) -> Result<(), String> {
    match fs::remove_file(path) {
        Ok(()) => sync_dir(path),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    }
    .map_err(|error| format!("cannot remove checkpoint {}: {error}", path.display()))
}

fn write_atomically(path: &Path, checkpoint: &Checkpoint) -> io::Result<()> {
    let (tmp, mut file) = create_beside(path)?;
    let written = serde_json::to_writer(&mut file, checkpoint)
        .map_err(io::Error::from)
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all());
    drop(file);
    if let Err(error) = written.and_then(|()| fs::rename(&tmp, path)) {
        let _ = fs::remove_file(&tmp);
        return Err(error);
    }
    sync_dir(path)
}

/// A new file in `path`'s directory, under an unpredictable name, created
/// exclusively (it fails rather than open what is already there, a symlink
/// included) and readable by its owner only.
fn create_beside(path: &Path) -> io::Result<(PathBuf, File)> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    for _ in 0..8 {
        let tmp = tmp_path(path, &random_suffix());
        match options.open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "no free temporary name beside the checkpoint",
    ))
}

/// `FILE.<suffix>.tmp`, in the same directory as `FILE` so that the rename is atomic.
fn tmp_path(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(format!(".{suffix}.tmp"));
    PathBuf::from(name)
}

/// Sixteen hex digits no one can predict: the process's random hash keys
/// mixed with the clock and the process id.
fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(elapsed) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(elapsed.as_nanos());
    }
    format!("{:016x}", hasher.finish())
}

/// Makes the rename itself durable, where the platform allows syncing a directory.
fn sync_dir(path: &Path) -> io::Result<()> {
    if !cfg!(unix) {
        return Ok(());
    }
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("pagewalk-resume-{name}-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn checkpoint(json: &str) -> Checkpoint {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn missing_file_means_start_from_the_beginning() {
        let dir = temp_dir("missing");
        assert_eq!(load(&dir.join("absent.json")).unwrap(), None);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn save_then_load_round_trips_and_leaves_no_tmp_file() {
        let dir = temp_dir("roundtrip");
        let path = dir.join("walk.checkpoint");
        let first = checkpoint(
            r#"{"version":1,"next":"http://127.0.0.1:1/items?page=2","page":2,"skip":0,"items_seen":10}"#,
        );
        let second = checkpoint(
            r#"{"version":1,"next":"http://127.0.0.1:1/items?page=3","page":3,"skip":0,"items_seen":20}"#,
        );
        save(&path, &first).unwrap();
        save(&path, &second).unwrap();
        assert_eq!(load(&path).unwrap(), Some(second));
        let left: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left: {left:?}");
        remove(&path).unwrap();
        assert!(!path.exists());
        remove(&path).unwrap();
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn garbage_is_an_error_naming_the_file() {
        let dir = temp_dir("garbage");
        let path = dir.join("walk.checkpoint");
        fs::write(&path, "not json").unwrap();
        let error = load(&path).unwrap_err();
        assert!(error.contains("walk.checkpoint"), "{error}");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn tmp_files_sit_beside_the_checkpoint_under_names_no_one_guesses() {
        let tmp = tmp_path(Path::new("dir/walk.json"), "0123456789abcdef");
        assert_eq!(tmp, PathBuf::from("dir/walk.json.0123456789abcdef.tmp"));
        assert_ne!(random_suffix(), random_suffix());
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_the_owners_alone_and_a_planted_link_is_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("private");
        let path = dir.join("walk.checkpoint");
        let checkpoint = checkpoint(
            r#"{"version":1,"next":"http://127.0.0.1:1/items?api_key=k","page":2,"skip":0,"items_seen":10}"#,
        );
        save(&path, &checkpoint).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // A symlink planted where the old `FILE.tmp` was written is never touched.
        let victim = dir.join("victim");
        fs::write(&victim, "keep me").unwrap();
        std::os::unix::fs::symlink(&victim, dir.join("walk.checkpoint.tmp")).unwrap();
        save(&path, &checkpoint).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
        assert_eq!(load(&path).unwrap(), Some(checkpoint));
        fs::remove_dir_all(dir).unwrap();
    }
}
