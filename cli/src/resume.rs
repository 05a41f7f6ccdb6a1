//! The `--resume` file: a checkpoint that survives a kill at any moment.
//!
//! The file is only ever replaced whole (written beside it, synced, renamed
//! over it), so it always holds either the previous checkpoint or the new
//! one, never a mix.

use std::ffi::OsString;
use std::fs::{self, File};
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
    let tmp = tmp_path(path);
    let mut file = File::create(&tmp)?;
    serde_json::to_writer(&mut file, checkpoint)?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path)?;
    sync_dir(path)
}

/// `FILE.tmp`, in the same directory as `FILE` so that the rename is atomic.
fn tmp_path(path: &Path) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(".tmp");
    PathBuf::from(name)
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
        assert!(!tmp_path(&path).exists());
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
    fn tmp_file_sits_beside_the_checkpoint() {
        assert_eq!(
            tmp_path(Path::new("dir/walk.json")),
            PathBuf::from("dir/walk.json.tmp")
        );
    }
}
