//! threads: spawn 32 named threads, join them all, and check each saw its own name and id.
//! Thread spawn is where a wrong `pthread_attr_t` size overwrites the spawning thread's stack.

use std::collections::HashSet;
use std::thread::{self, Builder, ThreadId};

use crate::check::{failed, Outcome};

const COUNT: usize = 32;

/// What a worker reports about itself.
struct Seen {
    index: usize,
    name: Option<String>,
    id: ThreadId,
}

pub fn run() -> Outcome {
    let main_name = thread::current().name().map(str::to_owned);
    ensure!(
        main_name.as_deref() == Some("main"),
        "main thread's name is {main_name:?}"
    );
    let seen = spawn_and_join()?;
    for (i, worker) in seen.iter().enumerate() {
        let expected = worker_name(i);
        ensure!(
            worker.index == i,
            "worker {i} returned index {}",
            worker.index
        );
        ensure!(
            worker.name.as_deref() == Some(expected.as_str()),
            "worker {i} saw its name as {:?}",
            worker.name
        );
    }
    let ids: HashSet<ThreadId> = seen.iter().map(|w| w.id).collect();
    ensure!(
        ids.len() == COUNT && !ids.contains(&thread::current().id()),
        "{} distinct thread ids for {COUNT} threads",
        ids.len()
    );
    Ok(format!("{COUNT} spawned and joined, names via Builder::name seen by thread::current(), distinct ids"))
}

fn worker_name(index: usize) -> String {
    format!("probe-worker-{index}")
}

fn spawn_and_join() -> Result<Vec<Seen>, String> {
    let mut handles = Vec::with_capacity(COUNT);
    for index in 0..COUNT {
        let handle = Builder::new()
            .name(worker_name(index))
            .spawn(move || Seen {
                index,
                name: thread::current().name().map(str::to_owned),
                id: thread::current().id(),
            })
            .map_err(failed("spawn"))?;
        handles.push(handle);
    }
    handles
        .into_iter()
        .map(|h| h.join().map_err(|_| "a worker panicked".to_owned()))
        .collect()
}
