//! fs: create, write, read back, metadata, permissions, rename, `read_dir`, remove.
//! `metadata` is where a wrong `struct stat` layout shows (a wrong length, `is_dir` or mode).

use std::fs::{self, File, Permissions};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::check::{failed, Outcome};
use crate::scratch::ScratchDir;

pub fn run() -> Outcome {
    let dir = ScratchDir::new("fs")?;
    let data = b"probe fs check\n".repeat(100);
    let a = dir.join("a.txt");
    write_and_read_back(&a, &data)?;
    check_metadata(&a, dir.path(), data.len() as u64)?;
    check_permissions(&a, 0o640)?;
    let b = dir.join("b.txt");
    fs::rename(&a, &b).map_err(failed("rename a.txt to b.txt"))?;
    ensure!(
        !a.exists() && b.exists(),
        "after rename: a.txt exists {}, b.txt exists {}",
        a.exists(),
        b.exists()
    );
    fs::write(dir.join("c.txt"), b"c").map_err(failed("write c.txt"))?;
    let names = list_dir(dir.path())?;
    ensure!(
        names == ["b.txt", "c.txt"],
        "read_dir listed {names:?}, expected [\"b.txt\", \"c.txt\"]"
    );
    remove_all(dir.path(), &names)?;
    Ok(format!(
        "create/write/read {} B, len, is_file/is_dir, chmod 0o640, rename, read_dir, remove",
        data.len()
    ))
}

fn write_and_read_back(path: &Path, data: &[u8]) -> Result<(), String> {
    let mut file = File::create(path).map_err(failed("create a.txt"))?;
    file.write_all(data).map_err(failed("write a.txt"))?;
    file.sync_all().map_err(failed("fsync a.txt"))?;
    drop(file);
    let back = fs::read(path).map_err(failed("read a.txt"))?;
    ensure!(
        back == data,
        "read back {} bytes that differ from the {} written",
        back.len(),
        data.len()
    );
    Ok(())
}

fn check_metadata(file: &Path, dir: &Path, len: u64) -> Result<(), String> {
    let meta = fs::metadata(file).map_err(failed("metadata a.txt"))?;
    ensure!(
        meta.len() == len,
        "metadata len {} but {len} bytes written",
        meta.len()
    );
    ensure!(
        meta.is_file() && !meta.is_dir(),
        "a file: is_file {} is_dir {}",
        meta.is_file(),
        meta.is_dir()
    );
    let meta = fs::metadata(dir).map_err(failed("metadata of the dir"))?;
    ensure!(
        meta.is_dir() && !meta.is_file(),
        "a dir: is_dir {} is_file {}",
        meta.is_dir(),
        meta.is_file()
    );
    Ok(())
}

fn check_permissions(path: &Path, mode: u32) -> Result<(), String> {
    fs::set_permissions(path, Permissions::from_mode(mode)).map_err(failed("set_permissions"))?;
    let seen = fs::metadata(path)
        .map_err(failed("metadata after chmod"))?
        .permissions()
        .mode()
        & 0o777;
    ensure!(seen == mode, "set mode {mode:o}, read back {seen:o}");
    Ok(())
}

fn list_dir(dir: &Path) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(failed("read_dir"))? {
        let entry = entry.map_err(failed("read_dir entry"))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

fn remove_all(dir: &Path, names: &[String]) -> Result<(), String> {
    for name in names {
        fs::remove_file(dir.join(name)).map_err(failed("remove_file"))?;
    }
    fs::remove_dir(dir).map_err(failed("remove_dir"))?;
    ensure!(!dir.exists(), "the dir still exists after remove_dir");
    Ok(())
}
