//! random: `HashMap`'s `RandomState` is seeded randomly: two instances hash a key differently, and so
//! do two runs of the program (within one thread std derives later instances from the first
//! seed, so only separate runs show whether the seed itself is random).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use crate::check::{failed, Outcome};
use crate::child::{describe_status, role_command};

const KEY: &str = "probe fixed key";

/// The hash of `KEY` under a fresh `RandomState`.
pub fn hash_fixed_key() -> u64 {
    RandomState::new().hash_one(KEY)
}

pub fn run() -> Outcome {
    let (first, second) = (hash_fixed_key(), hash_fixed_key());
    ensure!(
        first != second,
        "two RandomState instances hash alike: {first:#x}"
    );
    let (run_a, run_b) = (hash_in_child()?, hash_in_child()?);
    ensure!(
        run_a != run_b,
        "two runs hash alike: {run_a:#x} (is the seed random?)"
    );
    Ok("two RandomState instances differ, two runs differ".to_owned())
}

fn hash_in_child() -> Result<u64, String> {
    let output = role_command("hash")?
        .output()
        .map_err(failed("spawn the hash child"))?;
    let printed = String::from_utf8_lossy(&output.stdout);
    ensure!(
        output.status.success(),
        "hash child: {}",
        describe_status(output.status)
    );
    printed
        .trim()
        .parse()
        .map_err(|_| format!("hash child printed {printed:?}"))
}
