//! sync: Mutex, Condvar, park/unpark and mpsc work, and a thread blocked for 1 s really sleeps.
//! A futex that never blocks (a `syscall()` that does not know `SYS_futex`) keeps all of this
//! *correct* but busy-spinning, so the CPU time of a blocked wait is the telling measure. It is
//! read with getrusage: under qemu-user /proc is faked.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::check::{failed, ms, Outcome};

const BLOCKED: Duration = Duration::from_secs(1);
const MAX_CPU_WHILE_BLOCKED: Duration = Duration::from_millis(200);

pub fn run() -> Outcome {
    let count = mutex_counts()?;
    condvar_notified()?;
    park_unpark()?;
    let messages = mpsc_delivers()?;
    let condvar_cpu = cpu_while_blocked("Condvar::wait_timeout_while", condvar_times_out)?;
    let recv_cpu = cpu_while_blocked("Receiver::recv_timeout", recv_times_out)?;
    Ok(format!(
        "mutex {count} increments, condvar notify+timeout, park/unpark, mpsc {messages} msgs; \
         blocked 1 s used {} ms cpu (condvar), {} ms (recv)",
        ms(condvar_cpu),
        ms(recv_cpu)
    ))
}

fn join<T>(handle: thread::JoinHandle<T>) -> Result<T, String> {
    handle
        .join()
        .map_err(|_| "a helper thread panicked".to_owned())
}

fn mutex_counts() -> Result<u64, String> {
    const THREADS: u64 = 8;
    const EACH: u64 = 10_000;
    let counter = Arc::new(Mutex::new(0u64));
    let mut handles = Vec::new();
    for _ in 0..THREADS {
        let counter = Arc::clone(&counter);
        let handle = thread::Builder::new()
            .spawn(move || (0..EACH).for_each(|_| *counter.lock().unwrap() += 1))
            .map_err(failed("spawn"))?;
        handles.push(handle);
    }
    for handle in handles {
        join(handle)?;
    }
    let total = *counter.lock().unwrap();
    ensure!(
        total == THREADS * EACH,
        "mutex counted {total}, expected {}",
        THREADS * EACH
    );
    Ok(total)
}

fn condvar_notified() -> Result<(), String> {
    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let notifier = {
        let pair = Arc::clone(&pair);
        thread::Builder::new()
            .spawn(move || {
                thread::sleep(Duration::from_millis(20));
                *pair.0.lock().unwrap() = true;
                pair.1.notify_one();
            })
            .map_err(failed("spawn"))?
    };
    let guard = pair.0.lock().unwrap();
    let (guard, result) = pair
        .1
        .wait_timeout_while(guard, Duration::from_secs(10), |ready| !*ready)
        .unwrap();
    ensure!(
        *guard && !result.timed_out(),
        "condvar: not woken by notify_one within 10 s"
    );
    drop(guard);
    join(notifier)
}

fn park_unpark() -> Result<(), String> {
    // a token given before park makes park return at once
    thread::current().unpark();
    thread::park();
    let flag = Arc::new(AtomicBool::new(false));
    let parked = {
        let flag = Arc::clone(&flag);
        thread::Builder::new()
            .spawn(move || {
                while !flag.load(Ordering::Acquire) {
                    thread::park();
                }
            })
            .map_err(failed("spawn"))?
    };
    thread::sleep(Duration::from_millis(20));
    flag.store(true, Ordering::Release);
    parked.thread().unpark();
    join(parked)
}

fn mpsc_delivers() -> Result<usize, String> {
    const SENDERS: u64 = 4;
    const EACH: u64 = 100;
    let (tx, rx) = mpsc::channel::<u64>();
    for sender in 0..SENDERS {
        let tx = tx.clone();
        thread::Builder::new()
            .spawn(move || (0..EACH).for_each(|i| tx.send(sender * 1000 + i).unwrap()))
            .map_err(failed("spawn"))?;
    }
    drop(tx);
    // iteration ends when every sender is gone: disconnection works too
    let received: Vec<u64> = rx.iter().collect();
    let expected: u64 = (0..SENDERS)
        .map(|s| (0..EACH).map(|i| s * 1000 + i).sum::<u64>())
        .sum();
    let sum: u64 = received.iter().sum();
    ensure!(
        received.len() as u64 == SENDERS * EACH && sum == expected,
        "mpsc received {} messages summing to {sum}, expected {} summing to {expected}",
        received.len(),
        SENDERS * EACH
    );
    Ok(received.len())
}

fn condvar_times_out() -> Result<(), String> {
    let lock = Mutex::new(false);
    let condvar = Condvar::new();
    let guard = lock.lock().unwrap();
    let (_guard, result) = condvar
        .wait_timeout_while(guard, BLOCKED, |ready| !*ready)
        .unwrap();
    ensure!(
        result.timed_out(),
        "condvar: wait_timeout_while did not time out"
    );
    Ok(())
}

fn recv_times_out() -> Result<(), String> {
    let (_tx, rx) = mpsc::channel::<()>();
    match rx.recv_timeout(BLOCKED) {
        Err(RecvTimeoutError::Timeout) => Ok(()),
        other => Err(format!(
            "recv_timeout on an idle channel returned {other:?}"
        )),
    }
}

/// Runs `wait` (which blocks for BLOCKED) and returns the process CPU time it used; fails if it
/// returned early or used `MAX_CPU_WHILE_BLOCKED` or more.
fn cpu_while_blocked(what: &str, wait: fn() -> Result<(), String>) -> Result<Duration, String> {
    let cpu_before = process_cpu_time()?;
    let started = Instant::now();
    wait()?;
    let wall = started.elapsed();
    let cpu = process_cpu_time()?.saturating_sub(cpu_before);
    ensure!(
        wall >= BLOCKED,
        "{what}: returned after {} ms, before its 1 s timeout",
        ms(wall)
    );
    ensure!(
        cpu < MAX_CPU_WHILE_BLOCKED,
        "{what}: blocked {} ms but used {} ms of CPU (busy-waiting?)",
        ms(wall),
        ms(cpu)
    );
    Ok(cpu)
}

/// User plus system CPU time of the whole process so far.
fn process_cpu_time() -> Result<Duration, String> {
    // SAFETY: rusage is plain data; an all-zero value is valid and getrusage only writes to it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage we own.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &raw mut usage) };
    ensure!(
        rc == 0,
        "getrusage failed: {}",
        crate::check::describe_io(&std::io::Error::last_os_error())
    );
    Ok(timeval(usage.ru_utime) + timeval(usage.ru_stime))
}

fn timeval(tv: libc::timeval) -> Duration {
    let seconds = u64::try_from(tv.tv_sec).unwrap_or(0);
    let micros = u64::try_from(tv.tv_usec).unwrap_or(0);
    Duration::from_secs(seconds) + Duration::from_micros(micros)
}
