//! A fresh directory under the temp dir, removed when dropped (also when a check fails).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::check::failed;

pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    /// Creates `<temp>/probe-<label>-<pid>-<nanos>`; `create_dir` (not `_all`) fails if it exists.
    pub fn new(label: &str) -> Result<ScratchDir, String> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("probe-{label}-{}-{nanos}", std::process::id());
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir(&path).map_err(failed("create scratch dir"))?;
        Ok(ScratchDir { path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // gone already when the fs category removed it itself
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
