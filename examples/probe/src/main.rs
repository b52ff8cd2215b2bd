//! probe: checks that std *behaves* in this binary, one output line per category:
//! `probe: <category> pass|fail <detail>`; exit status 0 when every category passed, 1 otherwise.
//!
//! Usage: `probe [--in-process] [CATEGORY...]` (all categories by default).
//! Each category runs in a child process (the probe itself), so one that crashes is reported and
//! the others still run; if the probe cannot start itself, or with `--in-process`, categories run
//! one after the other in this process, each line printed as soon as its category ends.
//! `PROBE_EXEC_WRAPPER=<program>` starts every child as `<program> <probe> ...` (e.g.
//! `qemu-aarch64-static` where no binfmt handler runs a foreign binary). See README.md.

#[cfg(not(unix))]
compile_error!("the probe targets unix-family targets (the cosmo targets are)");

#[macro_use]
mod check;
mod child;
mod env;
mod errors;
mod ffi;
mod fs;
mod net;
mod panic;
mod process;
mod random;
mod scratch;
mod stdio;
mod supervise;
mod sync;
mod threads;
mod time;

use check::Outcome;

/// One category: its name (as printed and as given on the command line) and its checks.
pub struct Category {
    pub name: &'static str,
    pub run: fn() -> Outcome,
}

const fn category(name: &'static str, run: fn() -> Outcome) -> Category {
    Category { name, run }
}

/// Every category, in output order.
const CATEGORIES: &[Category] = &[
    category("fs", fs::run),
    category("threads", threads::run),
    category("sync", sync::run),
    category("time", time::run),
    category("process", process::run),
    category("errors", errors::run),
    category("stdio", stdio::run),
    category("env", env::run),
    category("random", random::run),
    category("panic", panic::run),
    category("net", net::run),
    category("ffi", ffi::run),
];

const USAGE: &str = "usage: probe [--in-process] [CATEGORY...]
categories: fs threads sync time process errors stdio env random panic net ffi
prints `probe: <category> pass|fail <detail>` per category; exit 0 if all passed, 1 otherwise
env PROBE_EXEC_WRAPPER=<program>: start child processes as `<program> <probe> ...`";

/// What the command line asks for.
enum Request {
    Help,
    Child {
        role: String,
        args: Vec<String>,
    },
    Probe {
        in_process: bool,
        categories: Vec<&'static Category>,
    },
}

fn parse_args(args: &[String]) -> Result<Request, String> {
    if args.first().map(String::as_str) == Some(child::CHILD_FLAG) {
        let role = args.get(1).ok_or("--probe-child needs a role")?.clone();
        return Ok(Request::Child {
            role,
            args: args[2..].to_vec(),
        });
    }
    let mut in_process = false;
    let mut categories = Vec::new();
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Request::Help),
            "--in-process" => in_process = true,
            name => categories.push(
                CATEGORIES
                    .iter()
                    .find(|c| c.name == name)
                    .ok_or_else(|| format!("unknown category or option '{name}'"))?,
            ),
        }
    }
    if categories.is_empty() {
        categories = CATEGORIES.iter().collect();
    }
    Ok(Request::Probe {
        in_process,
        categories,
    })
}

/// Runs the categories here, one after the other; true if all passed.
fn run_in_process(categories: &[&Category]) -> bool {
    let mut all_passed = true;
    for category in categories {
        all_passed &= check::emit(category.name, &(category.run)());
    }
    all_passed
}

fn run_probe(in_process: bool, categories: &[&Category]) -> bool {
    if in_process {
        return run_in_process(categories);
    }
    match child::can_start_self() {
        Ok(()) => supervise::run_isolated(categories),
        Err(why) => {
            eprintln!(
                "probe: cannot start itself as a child ({why}); running categories in-process"
            );
            run_in_process(categories)
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match parse_args(&args) {
        Ok(Request::Help) => {
            println!("{USAGE}");
            0
        }
        Ok(Request::Child { role, args }) => child::run_role(&role, &args),
        Ok(Request::Probe {
            in_process,
            categories,
        }) => {
            if run_probe(in_process, &categories) {
                0
            } else {
                1
            }
        }
        Err(message) => {
            eprintln!("probe: {message}\n{USAGE}");
            2
        }
    };
    std::process::exit(code);
}
