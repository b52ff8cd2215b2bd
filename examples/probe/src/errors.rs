//! errors: `io::Error` displays a message for 20 errno values (std formats it with `strerror_r`,
//! whose return type differs between C libraries), each maps to its `ErrorKind`, and real
//! failures come back with the right kind (the errno the OS returned, read as std expects).

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

use crate::check::{describe_io, failed, Outcome};
use crate::child::{can_start_self, describe_status, role_command, stderr_tail};
use crate::scratch::ScratchDir;

const ERRNOS: [(&str, i32, ErrorKind); 20] = [
    ("ENOENT", libc::ENOENT, ErrorKind::NotFound),
    ("EACCES", libc::EACCES, ErrorKind::PermissionDenied),
    ("EEXIST", libc::EEXIST, ErrorKind::AlreadyExists),
    ("EINVAL", libc::EINVAL, ErrorKind::InvalidInput),
    ("EAGAIN", libc::EAGAIN, ErrorKind::WouldBlock),
    ("EPIPE", libc::EPIPE, ErrorKind::BrokenPipe),
    ("EPERM", libc::EPERM, ErrorKind::PermissionDenied),
    ("EINTR", libc::EINTR, ErrorKind::Interrupted),
    ("ENOMEM", libc::ENOMEM, ErrorKind::OutOfMemory),
    ("EBUSY", libc::EBUSY, ErrorKind::ResourceBusy),
    ("ENOTDIR", libc::ENOTDIR, ErrorKind::NotADirectory),
    ("EISDIR", libc::EISDIR, ErrorKind::IsADirectory),
    ("ENOSPC", libc::ENOSPC, ErrorKind::StorageFull),
    ("EROFS", libc::EROFS, ErrorKind::ReadOnlyFilesystem),
    ("ENOTEMPTY", libc::ENOTEMPTY, ErrorKind::DirectoryNotEmpty),
    (
        "ECONNREFUSED",
        libc::ECONNREFUSED,
        ErrorKind::ConnectionRefused,
    ),
    ("ECONNRESET", libc::ECONNRESET, ErrorKind::ConnectionReset),
    ("ETIMEDOUT", libc::ETIMEDOUT, ErrorKind::TimedOut),
    ("EADDRINUSE", libc::EADDRINUSE, ErrorKind::AddrInUse),
    ("ENOSYS", libc::ENOSYS, ErrorKind::Unsupported),
];

/// How many fresh processes repeat the Display checks (see `display_in_fresh_processes`).
const FRESH_PROCESSES: usize = 8;

pub fn run() -> Outcome {
    display_all()?;
    let repeated = display_in_fresh_processes()?;
    let failures = real_failures()?;
    Ok(format!(
        "{} errno values display \"<message> (os error n)\" and map to their kind{repeated}; \
         {failures} real failures have the right kind",
        ERRNOS.len()
    ))
}

/// The child's side of the repeat: exit 0 when every errno displays and maps correctly.
pub fn display_child() -> i32 {
    match display_all() {
        Ok(()) => 0,
        Err(detail) => {
            eprintln!("probe: {detail}");
            1
        }
    }
}

fn display_all() -> Result<(), String> {
    for (name, code, kind) in ERRNOS {
        displays_and_maps(name, code, kind)?;
    }
    Ok(())
}

/// A C library whose `__xpg_strerror_r` returns the buffer (`char *`) where std expects an int
/// makes Display abort only when that stack address has bit 31 set: one process misses it half
/// the time. Each fresh process gets its own randomized stack, so repeating there catches it.
/// When the probe cannot start itself the repeat is left out (the `process` category reports
/// that), and the detail says so.
fn display_in_fresh_processes() -> Result<String, String> {
    if let Err(why) = can_start_self() {
        return Ok(format!(" (not repeated in fresh processes: {why})"));
    }
    for run in 1..=FRESH_PROCESSES {
        let output = role_command("display-errors")?
            .output()
            .map_err(failed("spawn the display-errors child"))?;
        ensure!(
            output.status.success(),
            "displaying errors in fresh process {run} of {FRESH_PROCESSES}: {}{}",
            describe_status(output.status),
            stderr_tail(&output.stderr)
        );
    }
    Ok(format!(", also in {FRESH_PROCESSES} fresh processes"))
}

fn displays_and_maps(name: &str, code: i32, kind: ErrorKind) -> Result<(), String> {
    let error = io::Error::from_raw_os_error(code);
    let shown = error.to_string();
    let suffix = format!(" (os error {code})");
    let message = shown.strip_suffix(&suffix);
    ensure!(
        message.is_some(),
        "{name}: displayed as {shown:?}, without {suffix:?} at the end"
    );
    ensure!(
        message.is_some_and(|m| !m.trim().is_empty()),
        "{name}: empty message in {shown:?}"
    );
    ensure!(
        error.kind() == kind,
        "{name} ({code}): kind {:?}, expected {kind:?}",
        error.kind()
    );
    Ok(())
}

/// Provokes real failures and checks each one's kind; returns how many were checked.
fn real_failures() -> Result<usize, String> {
    let dir = ScratchDir::new("errors")?;
    let file = dir.join("file");
    fs::write(&file, b"x").map_err(failed("write a file"))?;
    let cases = [
        (
            "open a missing file",
            File::open(dir.join("missing")).map(drop),
            ErrorKind::NotFound,
        ),
        (
            "create_new an existing file",
            create_new(&file),
            ErrorKind::AlreadyExists,
        ),
        (
            "create_dir an existing path",
            fs::create_dir(&file),
            ErrorKind::AlreadyExists,
        ),
        (
            "read_dir a file",
            fs::read_dir(&file).map(drop),
            ErrorKind::NotADirectory,
        ),
        (
            "remove_dir a non-empty dir",
            fs::remove_dir(dir.path()),
            ErrorKind::DirectoryNotEmpty,
        ),
        (
            "connect to a closed port",
            connect_to_closed_port(),
            ErrorKind::ConnectionRefused,
        ),
        (
            "accept on an idle non-blocking listener",
            accept_nonblocking(),
            ErrorKind::WouldBlock,
        ),
        (
            "write to a pipe without reader",
            write_to_closed_pipe(),
            ErrorKind::BrokenPipe,
        ),
    ];
    for (what, result, kind) in &cases {
        expect_kind(what, result, *kind)?;
    }
    Ok(cases.len())
}

/// The failure has `kind`, and its Display (`strerror_r` of a real errno) has the OS error suffix.
fn expect_kind(what: &str, result: &io::Result<()>, kind: ErrorKind) -> Result<(), String> {
    match result {
        Ok(()) => Err(format!("{what}: succeeded, expected {kind:?}")),
        Err(error) if error.kind() != kind => {
            Err(format!("{what}: {}, expected {kind:?}", describe_io(error)))
        }
        Err(error) => {
            let shown = error.to_string();
            ensure!(
                shown.contains("(os error "),
                "{what}: displayed as {shown:?}"
            );
            Ok(())
        }
    }
}

fn create_new(path: &Path) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map(drop)
}

fn connect_to_closed_port() -> io::Result<()> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    // the listener is dropped: nothing listens on `port` now
    TcpStream::connect(("127.0.0.1", port)).map(drop)
}

fn accept_nonblocking() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    listener.accept().map(drop)
}

/// std ignores SIGPIPE at start-up, so the write fails with EPIPE instead of killing the process.
fn write_to_closed_pipe() -> io::Result<()> {
    let (reader, mut writer) = io::pipe()?;
    drop(reader);
    writer.write_all(b"nobody reads this")
}
