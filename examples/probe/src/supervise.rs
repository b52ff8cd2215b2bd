//! Runs each category in a child process (`probe --in-process <category>`), so a category that
//! crashes (a wrong struct layout, an abort while displaying an error) or hangs is reported as a
//! failure and the others still run. The child's output goes to files, not pipes: reading them
//! needs no thread, and a child cannot block on a full pipe while we wait for it.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::check::{describe_io, emit};
use crate::child::{describe_status, self_command, stderr_tail};
use crate::Category;

/// Longer than any category needs, also under an emulator.
const CATEGORY_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs every category in its own child; true if all passed.
pub fn run_isolated(categories: &[&Category]) -> bool {
    let mut all_passed = true;
    for category in categories {
        all_passed &= run_one(category.name);
    }
    all_passed
}

fn run_one(name: &str) -> bool {
    let reported = run_child(name).and_then(|(status, stdout, stderr)| {
        forward_stderr(&stderr);
        child_line(name, status, &stdout, &stderr)
    });
    match reported {
        Ok((line, passed)) => print_verbatim(&line, passed),
        Err(detail) => emit(name, &Err(detail)),
    }
}

/// The child's own line and whether it passed, when the line is consistent with how the child
/// ended; else why not (pure).
fn child_line(
    name: &str,
    status: Option<ExitStatus>,
    stdout: &str,
    stderr: &str,
) -> Result<(String, bool), String> {
    let Some(status) = status else {
        return Err(format!(
            "timed out after {} s and was killed",
            CATEGORY_TIMEOUT.as_secs()
        ));
    };
    let (pass, fail) = (
        format!("probe: {name} pass "),
        format!("probe: {name} fail "),
    );
    let line = stdout
        .lines()
        .find(|line| line.starts_with(&pass) || line.starts_with(&fail));
    match line {
        Some(line) if line.starts_with(&pass) && status.success() => Ok((line.to_owned(), true)),
        Some(line) if line.starts_with(&fail) && status.code() == Some(1) => {
            Ok((line.to_owned(), false))
        }
        Some(line) => Err(format!(
            "{}, after printing {line:?}",
            describe_status(status)
        )),
        None => Err(format!(
            "{} before printing its line{}",
            describe_status(status),
            stderr_tail(stderr.as_bytes())
        )),
    }
}

fn print_verbatim(line: &str, passed: bool) -> bool {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    passed
}

fn forward_stderr(stderr: &str) {
    let _ = io::stderr().lock().write_all(stderr.as_bytes());
}

/// Runs `probe --in-process <name>`; returns its status (None if it timed out), stdout, stderr.
fn run_child(name: &str) -> Result<(Option<ExitStatus>, String, String), String> {
    let capture = Capture::new(name)?;
    let mut child = self_command(["--in-process", name])?
        .stdin(Stdio::null())
        .stdout(capture.stdout()?)
        .stderr(capture.stderr()?)
        .spawn()
        .map_err(|e| format!("could not start the category's child: {}", describe_io(&e)))?;
    let status = wait_with_deadline(&mut child, CATEGORY_TIMEOUT)
        .map_err(|e| format!("waiting for the category's child: {}", describe_io(&e)))?;
    Ok((status, read_lossy(&capture.out), read_lossy(&capture.err)))
}

fn wait_with_deadline(child: &mut Child, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(10));
    }
}

fn read_lossy(path: &Path) -> String {
    fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// Two files in the temp dir that take a child's stdout and stderr, removed when dropped.
struct Capture {
    out: PathBuf,
    err: PathBuf,
}

impl Capture {
    fn new(name: &str) -> Result<Capture, String> {
        let base = std::env::temp_dir().join(format!("probe-{}-{name}", std::process::id()));
        let capture = Capture {
            out: base.with_extension("out"),
            err: base.with_extension("err"),
        };
        File::create(&capture.out)
            .map_err(|e| format!("create a capture file: {}", describe_io(&e)))?;
        File::create(&capture.err)
            .map_err(|e| format!("create a capture file: {}", describe_io(&e)))?;
        Ok(capture)
    }

    fn stdout(&self) -> Result<File, String> {
        File::options()
            .write(true)
            .open(&self.out)
            .map_err(|e| describe_io(&e))
    }

    fn stderr(&self) -> Result<File, String> {
        File::options()
            .write(true)
            .open(&self.err)
            .map_err(|e| describe_io(&e))
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.out);
        let _ = fs::remove_file(&self.err);
    }
}
