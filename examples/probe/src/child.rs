//! The probe as its own child process: how to start it, and the roles it plays there
//! (`probe --probe-child <role> [args]`, hidden from the usage text).
//!
//! Starting: the program path comes from the C runtime when it knows it (cosmo, see ffi.c), else
//! from `current_exe()`. With `PROBE_EXEC_WRAPPER=<program>` set, the child is
//! `<program> <probe path> <args>`: under qemu-user without binfmt, a foreign binary cannot be
//! exec'd directly, so `PROBE_EXEC_WRAPPER=qemu-aarch64-static` runs the children through qemu
//! too. The variable is inherited, so children's children use it as well.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, ExitStatus};

use crate::check::{describe_io, failed};

pub const CHILD_FLAG: &str = "--probe-child";
pub const WRAPPER_ENV: &str = "PROBE_EXEC_WRAPPER";

/// The path of this program.
pub fn self_exe() -> Result<PathBuf, String> {
    match crate::ffi::program_path() {
        Some(path) => Ok(path),
        None => std::env::current_exe().map_err(failed("current_exe")),
    }
}

/// The wrapper program from `PROBE_EXEC_WRAPPER`, if one is set.
pub fn wrapper() -> Option<OsString> {
    std::env::var_os(WRAPPER_ENV).filter(|w| !w.is_empty())
}

/// " (via <wrapper>)" when children run through a wrapper, for details; else "".
pub fn via() -> String {
    wrapper()
        .map(|w| format!(" (via {})", w.to_string_lossy()))
        .unwrap_or_default()
}

/// A command that starts this program with `args`, through the wrapper if one is set.
pub fn self_command<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(
    args: I,
) -> Result<Command, String> {
    let exe = self_exe()?;
    let mut command = match wrapper() {
        Some(wrapper) => {
            let mut command = Command::new(wrapper);
            command.arg(exe);
            command
        }
        None => Command::new(exe),
    };
    command.args(args);
    Ok(command)
}

/// A command that starts this program in one of the roles below.
pub fn role_command(role: &str) -> Result<Command, String> {
    self_command([CHILD_FLAG, role])
}

/// Whether this program can start itself as a child and see its output.
pub fn can_start_self() -> Result<(), String> {
    let output = role_command("ping")?
        .output()
        .map_err(|e| describe_io(&e))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.success() && stdout.trim() == "pong" {
        Ok(())
    } else {
        Err(format!(
            "ping child: {}, stdout {stdout:?}",
            describe_status(output.status)
        ))
    }
}

/// "exit 3", "killed by signal 6 (SIGABRT)", for details.
pub fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit {code}");
    }
    match status.signal() {
        Some(signal) => format!("killed by signal {signal} ({})", signal_name(signal)),
        None => format!("{status:?}"),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGSYS => "SIGSYS",
        libc::SIGPIPE => "SIGPIPE",
        _ => "other",
    }
}

/// "; stderr: <gist>" for a failure detail, or "": the gist is a panic's message when stderr
/// holds one (a backtrace may follow it), else stderr's last non-empty line; at most 200 chars.
pub fn stderr_tail(stderr: &[u8]) -> String {
    let stderr = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    let panic_message = lines
        .iter()
        .position(|line| line.contains(" panicked at "))
        .and_then(|at| lines.get(at + 1));
    match panic_message.or(lines.last()) {
        Some(line) => format!("; stderr: {}", line.chars().take(200).collect::<String>()),
        None => String::new(),
    }
}

/// Plays `role` and returns the exit status.
pub fn run_role(role: &str, args: &[String]) -> i32 {
    match role {
        // the supervisor's check that the probe can start itself
        "ping" => print_line("pong"),
        "exit" => args.first().and_then(|code| code.parse().ok()).unwrap_or(2),
        "env" => print_line(&std::env::var(crate::process::CHILD_VAR).unwrap_or_default()),
        "echo" => echo_stdin(),
        "stdio" => crate::stdio::child(),
        "args" => print_line(&format!("{args:?}")),
        "hash" => print_line(&crate::random::hash_fixed_key().to_string()),
        "panic" => crate::panic::child(),
        "display-errors" => crate::errors::display_child(),
        _ => {
            eprintln!("probe: unknown child role '{role}'");
            2
        }
    }
}

fn print_line(text: &str) -> i32 {
    let mut out = io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(_) => 3,
    }
}

/// Copies stdin to stdout until end of input.
fn echo_stdin() -> i32 {
    let mut data = Vec::new();
    if io::stdin().lock().read_to_end(&mut data).is_err() {
        return 3;
    }
    let mut out = io::stdout().lock();
    match out.write_all(&data).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(_) => 3,
    }
}
