//! Ranking quality on the labelled evaluation set (a quality assertion, not a timing one).

use rendezvous_matchmaking::eval::{self, EvalConfig, MATCHMAKING, RANDOM, TOPIC_OVERLAP};

/// Generator seeds: the ranking was tuned while looking at seed 2027 only; the others were
/// measured afterwards, not tuned for. The 0.8 target applies to the mean over all of them.
const SEEDS: [u64; 6] = [2027, 1, 2, 3, 4, 5];

#[test]
fn planted_partners_are_found_far_better_than_by_the_baselines() {
    let mut ours_recall = Vec::new();
    for seed in SEEDS {
        let set = eval::generate(&EvalConfig {
            seed,
            ..EvalConfig::default()
        });
        assert_eq!(set.profiles.len(), EvalConfig::default().profiles);
        let report = eval::evaluate(&set, 7);
        println!("seed {seed}: {report}");
        let ours = report.method(MATCHMAKING).unwrap();
        let random = report.method(RANDOM).unwrap();
        let topics = report.method(TOPIC_OVERLAP).unwrap();
        assert!(ours.recall_at_10 >= 0.7, "{report}");
        assert!(ours.recall_at_10 >= topics.recall_at_10 + 0.5, "{report}");
        assert!(ours.recall_at_10 >= random.recall_at_10 + 0.5, "{report}");
        assert!(
            ours.mrr > topics.mrr + 0.5 && ours.mrr > random.mrr + 0.5,
            "{report}"
        );
        ours_recall.push(ours.recall_at_10);
    }
    let mean = ours_recall.iter().sum::<f64>() / ours_recall.len() as f64;
    assert!(
        mean >= 0.8,
        "mean recall@10 {mean:.3} over seeds: {ours_recall:?}"
    );
}

#[test]
fn every_category_of_planted_pair_is_present() {
    let set = eval::generate(&EvalConfig::default());
    let report = eval::evaluate(&set, 7);
    assert_eq!(report.by_category.len(), 4, "{report}");
    assert!(
        report.by_category.iter().all(|&(_, pairs, _)| pairs >= 5),
        "{report}"
    );
}

#[test]
fn generation_is_deterministic_for_a_seed() {
    let config = EvalConfig {
        profiles: 300,
        ..EvalConfig::default()
    };
    let a = eval::generate(&config);
    let b = eval::generate(&config);
    assert_eq!(a.profiles, b.profiles);
    assert!(a.pairs.iter().all(|p| p.seeks != p.offers));
}
