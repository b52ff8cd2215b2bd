//! panic: with panic = abort, a child that panics prints its message on stderr and dies by
//! SIGABRT. A wrapper that does not exec (a shell script, some emulators) reports that as exit
//! status 134 (128 + 6): both are accepted, and the detail says which was seen.

use std::os::unix::process::ExitStatusExt;

use crate::check::{failed, Outcome};
use crate::child::{describe_status, role_command};

const MARKER: &str = "probe-deliberate-panic";

pub fn run() -> Outcome {
    let output = role_command("panic")?
        .output()
        .map_err(failed("spawn the panic child"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let status = output.status;
    let how = if status.signal() == Some(libc::SIGABRT) {
        "killed by SIGABRT"
    } else if status.code() == Some(128 + libc::SIGABRT) {
        "exit status 134 (abort seen through a wrapper)"
    } else {
        return Err(format!(
            "panicking child: {}, expected an abort",
            describe_status(status)
        ));
    };
    ensure!(
        stderr.contains("panicked") && stderr.contains(MARKER),
        "child {how}, but its stderr lacks the panic message: {:?}",
        stderr.trim()
    );
    Ok(format!("panicking child {how}, message on stderr"))
}

/// The child's side: panics (and so aborts, never returning).
pub fn child() -> i32 {
    no_core_dump();
    panic!("{MARKER}");
}

/// A core file is no use here, and qemu-user would write one into the working directory.
fn no_core_dump() {
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit only reads the struct; failing just leaves the limit as it was.
    unsafe { libc::setrlimit(libc::RLIMIT_CORE, &raw const none) };
}
