//! time: `Instant` never goes back, `SystemTime` is a plausible date (a wrong clock id gives the
//! time since boot), and sleep(100 ms) sleeps about that long.

use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::check::{ms, Outcome};

/// 2020-01-01T00:00:00Z and 2100-01-01T00:00:00Z.
const YEAR_2020: u64 = 1_577_836_800;
const YEAR_2100: u64 = 4_102_444_800;
const SLEEP: Duration = Duration::from_millis(100);
const MAX_SLEEP: Duration = Duration::from_millis(600);

pub fn run() -> Outcome {
    instant_is_monotonic()?;
    let now = system_time_is_plausible()?;
    let slept = sleep_takes_about_as_long()?;
    Ok(format!("Instant monotonic over 10000 reads, SystemTime {now} s since 1970, sleep(100 ms) took {} ms", ms(slept)))
}

fn instant_is_monotonic() -> Result<(), String> {
    let mut previous = Instant::now();
    for _ in 0..10_000 {
        let now = Instant::now();
        ensure!(
            now >= previous,
            "Instant went back: {previous:?} then {now:?}"
        );
        previous = now;
    }
    Ok(())
}

fn system_time_is_plausible() -> Result<u64, String> {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| format!("SystemTime is {:?} before 1970", e.duration()))?
        .as_secs();
    ensure!(
        (YEAR_2020..YEAR_2100).contains(&since_epoch),
        "SystemTime is {since_epoch} s since 1970, not between 2020 and 2100"
    );
    Ok(since_epoch)
}

fn sleep_takes_about_as_long() -> Result<Duration, String> {
    let started = Instant::now();
    thread::sleep(SLEEP);
    let slept = started.elapsed();
    ensure!(
        (SLEEP..MAX_SLEEP).contains(&slept),
        "sleep(100 ms) took {} ms, expected 100..600",
        ms(slept)
    );
    Ok(slept)
}
