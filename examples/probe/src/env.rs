//! env: set, read, list and remove a variable; arguments with spaces, UTF-8 and an empty one
//! reach a child's `env::args` unchanged.

use std::env::{self, VarError};

use crate::check::{failed, Outcome};
use crate::child::{describe_status, role_command, via};

const VAR: &str = "PROBE_ENV_CHECK";
const VALUE: &str = "value with spaces = ünïcödé ✓";
const ARGS: [&str; 4] = ["two words", "ünïcödé ✓", "", "--flag=x y"];

pub fn run() -> Outcome {
    set_get_remove()?;
    args_pass_through()?;
    Ok(format!("set/get/vars/remove a variable, {} args with spaces, UTF-8 and an empty one reach a child{}", ARGS.len(), via()))
}

fn set_get_remove() -> Result<(), String> {
    // set_var is sound here: no other thread of the probe runs while a category does
    env::set_var(VAR, VALUE);
    let read = env::var(VAR);
    ensure!(
        read.as_deref() == Ok(VALUE),
        "set {VAR}, read back {read:?}"
    );
    ensure!(
        env::vars().any(|(k, v)| k == VAR && v == VALUE),
        "env::vars() lacks {VAR}"
    );
    env::remove_var(VAR);
    let read = env::var(VAR);
    ensure!(
        read == Err(VarError::NotPresent),
        "removed {VAR}, still read {read:?}"
    );
    Ok(())
}

fn args_pass_through() -> Result<(), String> {
    let output = role_command("args")?
        .args(ARGS)
        .output()
        .map_err(failed("spawn the args child"))?;
    let printed = String::from_utf8_lossy(&output.stdout);
    let expected = format!("{ARGS:?}\n");
    ensure!(
        output.status.success() && printed == expected,
        "args child ({}) saw {}, expected {}",
        describe_status(output.status),
        printed.trim_end(),
        expected.trim_end()
    );
    Ok(())
}
