//! What a category returns, and how it becomes its one output line.
//!
//! Checks return `Result` instead of panicking: the binary is built with panic = abort, so a
//! panic would end the whole process (`catch_unwind` cannot help).

use std::io::{self, Write};
use std::time::Duration;

/// `Ok(what was checked)` or `Err(what went wrong)`, both short and on one line.
pub type Outcome = Result<String, String>;

/// Returns `Err(format!(...))` from the enclosing check unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err(format!($($message)+));
        }
    };
}

/// Describes an `io::Error` without its Display: displaying an OS error goes through
/// `strerror_r`, which is one of the things the `errors` category checks, and a broken one must
/// not also break every other category's failure detail.
pub fn describe_io(error: &io::Error) -> String {
    match error.raw_os_error() {
        Some(code) => format!("{:?} (os error {code})", error.kind()),
        None => format!("{:?}", error.kind()),
    }
}

/// For `map_err`: "<what>: <error>".
pub fn failed(what: &str) -> impl FnOnce(io::Error) -> String + '_ {
    move |error| format!("{what}: {}", describe_io(&error))
}

/// Milliseconds, for details.
pub fn ms(duration: Duration) -> u128 {
    duration.as_millis()
}

/// The output line of one category (pure).
pub fn line(category: &str, outcome: &Outcome) -> String {
    let (verdict, detail) = match outcome {
        Ok(detail) => ("pass", detail),
        Err(detail) => ("fail", detail),
    };
    let detail = detail.replace(['\n', '\r'], " ");
    format!("probe: {category} {verdict} {detail}\n")
}

/// Prints the category's line and flushes it at once, so it survives a later crash.
/// Returns whether the category passed.
pub fn emit(category: &str, outcome: &Outcome) -> bool {
    let mut out = io::stdout().lock();
    // a stdout that cannot be written to leaves nothing to report to; the exit status still says
    let _ = out.write_all(line(category, outcome).as_bytes());
    let _ = out.flush();
    outcome.is_ok()
}
