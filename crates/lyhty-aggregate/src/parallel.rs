//! Independent jobs on several threads, with results in a fixed order.
//!
//! A release must be byte-identical whatever the thread count, so parallel work is only
//! ever a set of independent jobs whose results are collected by job index, never in the
//! order they finish. `LYHTY_RELEASE_THREADS` sets the thread count (default: the cores
//! available).

use std::sync::atomic::{AtomicUsize, Ordering};

/// Threads a release may use: `LYHTY_RELEASE_THREADS`, else the available cores.
pub(crate) fn release_threads() -> usize {
    std::env::var("LYHTY_RELEASE_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `job(i)` for every `i < n`, on up to `threads` threads (the heaviest jobs by `weight`
/// start first, to balance the load); the results in index order.
pub(crate) fn map_indexed<T: Send>(
    n: usize,
    threads: usize,
    weight: impl Fn(usize) -> usize,
    job: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    if threads <= 1 || n <= 1 {
        return (0..n).map(job).collect();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(weight(i)), i));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(&i) = order.get(k) else { break };
            done.push((i, job(i)));
        }
        done
    };
    let finished: Vec<(usize, T)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(n)).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for helper in helpers {
            match helper.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for (i, result) in finished {
        slots[i] = Some(result);
    }
    slots.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::map_indexed;

    #[test]
    fn results_come_in_index_order_whatever_the_threads() {
        let square = |i: usize| i * i;
        let one = map_indexed(50, 1, |i| i % 7, square);
        let four = map_indexed(50, 4, |i| i % 7, square);
        assert_eq!(one, four);
        assert_eq!(one[7], 49);
        assert!(map_indexed(0, 3, |_| 0, square).is_empty());
    }
}
