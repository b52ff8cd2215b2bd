//! process: start the probe itself as a child; its exit status, an environment variable given
//! to it, and 256 KiB through its stdin and back out of its stdout come back intact.

use std::io::Write;
use std::process::Stdio;
use std::thread;

use crate::check::{failed, Outcome};
use crate::child::{describe_status, role_command, via};

/// The variable the `env` child prints.
pub const CHILD_VAR: &str = "PROBE_CHILD_VALUE";
const CHILD_VALUE: &str = "a value with spaces and ünïcödé";

pub fn run() -> Outcome {
    exit_status_arrives()?;
    env_reaches_child()?;
    let bytes = pipes_round_trip()?;
    Ok(format!(
        "exit 0 and 7 seen, env passed, {} KiB stdin->stdout round-trip{}",
        bytes / 1024,
        via()
    ))
}

fn exit_status_arrives() -> Result<(), String> {
    for code in [0, 7] {
        let status = role_command("exit")?
            .arg(code.to_string())
            .status()
            .map_err(failed("spawn the exit child"))?;
        ensure!(
            status.code() == Some(code) && status.success() == (code == 0),
            "child exiting with {code}: {}",
            describe_status(status)
        );
    }
    Ok(())
}

fn env_reaches_child() -> Result<(), String> {
    let output = role_command("env")?
        .env(CHILD_VAR, CHILD_VALUE)
        .output()
        .map_err(failed("spawn the env child"))?;
    let printed = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success() && printed.trim_end_matches('\n') == CHILD_VALUE,
        "env child ({}) printed {printed:?}",
        describe_status(output.status)
    );
    Ok(())
}

/// More than a pipe buffer holds, written from a thread while the child's output is read, so
/// both pipes carry data at the same time.
fn pipes_round_trip() -> Result<usize, String> {
    let data: Vec<u8> = (0..=250u8).cycle().take(256 * 1024).collect();
    let mut child = role_command("echo")?
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(failed("spawn the echo child"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin pipe")?;
    let input = data.clone();
    let writer = thread::Builder::new()
        .spawn(move || stdin.write_all(&input))
        .map_err(failed("spawn the writer thread"))?;
    let output = child
        .wait_with_output()
        .map_err(failed("wait for the echo child"))?;
    let written = writer
        .join()
        .map_err(|_| "the writer thread panicked".to_owned())?;
    written.map_err(failed("write the child's stdin"))?;
    ensure!(
        output.status.success(),
        "echo child: {}",
        describe_status(output.status)
    );
    ensure!(
        output.stdout == data,
        "echo child returned {} bytes that differ from the {} sent",
        output.stdout.len(),
        data.len()
    );
    Ok(data.len())
}
