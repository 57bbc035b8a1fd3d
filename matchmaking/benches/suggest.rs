//! Suggestion latency and index update time with 20,000 participants, and the evaluation
//! table at that size. Run with `cargo bench -p rendezvous-matchmaking`.

use std::time::{Duration, Instant};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rendezvous_matchmaking::eval::{self, EvalConfig};
use rendezvous_matchmaking::{Boost, BoostTarget, Index, SuggestQuery};

const PARTICIPANTS: usize = 20_000;
const CALLS: usize = 1_000;

/// CPU time this thread has run, from Linux's scheduler statistics; `None` elsewhere. On a
/// shared machine wall-clock percentiles include time spent waiting for a core, this does not.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "| {label} | {} | {:.3} | {:.3} | {:.3} |",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().map_or(0.0, |t| t.as_secs_f64() * 1e3),
    );
}

fn main() {
    let config = EvalConfig {
        profiles: PARTICIPANTS,
        ..EvalConfig::default()
    };
    let set = eval::generate(&config);

    let started = Instant::now();
    let mut index = Index::new();
    for profile in &set.profiles {
        index.upsert(profile.clone()).expect("valid profile");
    }
    let build = started.elapsed();
    println!(
        "Index of {} participants built in {:.2} s\n",
        index.len(),
        build.as_secs_f64()
    );

    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut query = SuggestQuery::new(20);
    query.boosts = vec![
        Boost {
            target: BoostTarget::City("Bangkok".to_string()),
            factor: 1.5,
        },
        Boost {
            target: BoostTarget::Group("asean".to_string()),
            factor: 1.3,
        },
    ];
    let mut suggest_times = Vec::with_capacity(CALLS);
    let mut returned = 0;
    let cpu_before = thread_cpu_time();
    for _ in 0..CALLS {
        let who = &set.profiles.choose(&mut rng).expect("profiles").id;
        let started = Instant::now();
        let suggestions = index.suggest(who, &query).expect("indexed");
        suggest_times.push(started.elapsed());
        returned += suggestions.len();
    }
    let cpu_per_call = cpu_before
        .zip(thread_cpu_time())
        .map(|(before, after)| (after - before) / CALLS as u32);

    let mut upsert_times = Vec::with_capacity(CALLS);
    let mut remove_times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let mut profile = set.profiles.choose(&mut rng).expect("profiles").clone();
        let donor = set.profiles.choose(&mut rng).expect("profiles");
        profile.offers = donor.offers.clone();
        let started = Instant::now();
        index.upsert(profile.clone()).expect("valid profile");
        upsert_times.push(started.elapsed());
        if rng.random_bool(0.2) {
            let started = Instant::now();
            index.remove(&profile.id);
            remove_times.push(started.elapsed());
            index.upsert(profile).expect("valid profile");
        }
    }

    println!("| operation ({PARTICIPANTS} participants) | calls | p50 ms | p99 ms | max ms |");
    println!("| --- | --- | --- | --- | --- |");
    summary("suggest (limit 20, 2 boosts)", suggest_times);
    summary("upsert (profile change)", upsert_times);
    summary("remove", remove_times);
    println!(
        "\n(mean {:.1} suggestions per call)",
        returned as f64 / CALLS as f64
    );
    if let Some(cpu) = cpu_per_call {
        println!(
            "suggest: mean CPU time per call {:.3} ms",
            cpu.as_secs_f64() * 1e3
        );
    }
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average: {}",
            load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
    }
    println!();

    println!("### Evaluation over generator seeds (2000 profiles)\n");
    println!("| seed | random R@10 | topic overlap R@10 | ours R@10 | ours MRR |");
    println!("| --- | --- | --- | --- | --- |");
    for seed in [2027, 1, 2, 3, 4, 5] {
        let config = EvalConfig {
            seed,
            ..EvalConfig::default()
        };
        let report = eval::evaluate(&eval::generate(&config), 7);
        let recall = |name| report.method(name).map_or(f64::NAN, |m| m.recall_at_10);
        println!(
            "| {seed} | {:.3} | {:.3} | {:.3} | {:.3} |",
            recall(eval::RANDOM),
            recall(eval::TOPIC_OVERLAP),
            recall(eval::MATCHMAKING),
            report.method(eval::MATCHMAKING).map_or(f64::NAN, |m| m.mrr),
        );
    }
    println!();

    for profiles in [2_000, PARTICIPANTS] {
        let config = EvalConfig {
            profiles,
            ..EvalConfig::default()
        };
        let report = eval::evaluate(&eval::generate(&config), 7);
        println!("### Evaluation, {profiles} profiles\n\n{report}");
    }
}
