//! Meeting requests: who asks whom (a Zipf-like popularity, so a handful of exhibitors are
//! asked for far more meetings than they can hold), how long, how much it matters, and
//! where each request stands.

use std::collections::HashSet;

use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_chacha::ChaCha8Rng;

use super::calendar::SLOT_MINUTES;
use super::expo::{ParticipantKind, RequestStatus, SampleParticipant, SampleRequest};

/// The most seats any generated meeting needs: the largest equipped room always has them.
pub const MAX_MEETING_SEATS: u32 = 12;

/// How likely a participant is to be asked for a meeting: a Zipf law over a random
/// ranking (a few stars, a long tail), mixed with a uniform share so everyone gets asked.
fn popularity(rng: &mut ChaCha8Rng, participants: &[SampleParticipant]) -> Vec<f64> {
    let n = participants.len();
    let mut ranks: Vec<usize> = (0..n).collect();
    ranks.shuffle(rng);
    let harmonic: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
    participants
        .iter()
        .zip(ranks)
        .map(|(p, rank)| {
            let kind_factor = match p.profile.kind {
                ParticipantKind::Delegation => 2.0,
                ParticipantKind::Company => 1.3,
                ParticipantKind::Institution => 1.0,
                ParticipantKind::Researcher => 0.8,
            };
            kind_factor * (0.5 / ((rank + 1) as f64 * harmonic) + 0.5 / n as f64)
        })
        .collect()
}

pub(super) fn generate_requests(
    rng: &mut ChaCha8Rng,
    accepted: usize,
    participants: &[SampleParticipant],
) -> Vec<SampleRequest> {
    let n = participants.len();
    let others = accepted / 12;
    let mut statuses = vec![RequestStatus::Accepted; accepted];
    statuses.extend((0..others).map(|i| match i % 5 {
        0 | 1 => RequestStatus::Pending,
        2 | 3 => RequestStatus::Declined,
        _ => RequestStatus::Withdrawn,
    }));
    statuses.shuffle(rng);

    let invitee_weights = popularity(rng, participants);
    let requester_weights: Vec<f64> = participants
        .iter()
        .map(|p| match p.profile.kind {
            ParticipantKind::Delegation => 4.0,
            ParticipantKind::Company => 1.2,
            ParticipantKind::Institution | ParticipantKind::Researcher => 1.0,
        })
        .collect();
    let (Ok(invitees), Ok(requesters)) = (
        WeightedIndex::new(&invitee_weights),
        WeightedIndex::new(&requester_weights),
    ) else {
        return Vec::new();
    };
    let priorities = [1u8, 2, 3, 4, 5];
    let Ok(priority_dist) = WeightedIndex::new([18, 17, 20, 22, 23]) else {
        return Vec::new();
    };
    let width = (accepted + others).to_string().len().max(6);
    let mut pairs: HashSet<(usize, usize)> = HashSet::with_capacity(accepted + others);
    let mut requests = Vec::with_capacity(accepted + others);
    for (q, status) in statuses.into_iter().enumerate() {
        let requester = requesters.sample(rng);
        // Avoid asking the same participant twice when possible.
        let mut invitee = requester;
        for attempt in 0..40 {
            let candidate = invitees.sample(rng);
            if candidate == requester {
                continue;
            }
            let pair = (requester.min(candidate), requester.max(candidate));
            if pairs.insert(pair) || attempt == 39 {
                invitee = candidate;
                break;
            }
        }
        if invitee == requester {
            invitee = (requester + 1 + rng.random_range(0..n - 1)) % n;
        }
        let mut members = vec![requester, invitee];
        if rng.random_bool(0.03) {
            let third = invitees.sample(rng);
            if !members.contains(&third) {
                members.push(third);
            }
        }
        let seats = |members: &[usize]| members.iter().map(|&m| participants[m].profile.size).sum::<u32>();
        while seats(&members) > MAX_MEETING_SEATS && members.len() > 2 {
            members.pop();
        }
        if seats(&members) > MAX_MEETING_SEATS {
            // Two large delegations: the invitee becomes a company-sized partner instead.
            members[1] = (0..n)
                .map(|k| (invitee + k) % n)
                .find(|&m| {
                    m != requester
                        && participants[m].profile.size + participants[requester].profile.size
                            <= MAX_MEETING_SEATS
                })
                .unwrap_or(invitee);
        }
        let duration_slots = if rng.random_bool(0.07) { 2 } else { 1 };
        let priority = priorities[priority_dist.sample(rng)];
        let with_delegation = members
            .iter()
            .any(|&m| participants[m].profile.kind == ParticipantKind::Delegation);
        let mut features = Vec::new();
        if with_delegation && rng.random_bool(0.55) {
            features.push("interpretation".to_string());
        }
        if rng.random_bool(if duration_slots == 2 { 0.12 } else { 0.005 }) {
            features.push("video".to_string());
        }
        let message = request_message(rng, &participants[requester], &participants[members[1]]);
        requests.push(SampleRequest {
            id: format!("r{:0width$}", q + 1),
            requester: participants[requester].id.clone(),
            with: members[1..].iter().map(|&m| participants[m].id.clone()).collect(),
            duration_minutes: duration_slots * SLOT_MINUTES,
            priority,
            message,
            features,
            status,
        });
    }
    requests
}

fn request_message(
    rng: &mut ChaCha8Rng,
    requester: &SampleParticipant,
    invitee: &SampleParticipant,
) -> String {
    let subject = invitee
        .profile
        .offers
        .choose(rng)
        .or(invitee.profile.topics.first())
        .map(String::as_str)
        .unwrap_or("smart city");
    if requester.profile.languages.iter().any(|l| l == "fr") && rng.random_bool(0.5) {
        format!("Bonjour, nous aimerions échanger sur : {subject}.")
    } else {
        format!(
            "Hello, we would like to discuss {subject} with {}.",
            invitee
                .profile
                .organization
                .as_deref()
                .unwrap_or(&invitee.profile.name)
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use rendezvous_solver::{Problem, ProblemDoc};

    use super::*;
    use crate::sample::{Expo, SampleSpec};

    fn doc(spec: SampleSpec) -> ProblemDoc {
        Expo::generate(&spec).unwrap().to_problem_doc().unwrap()
    }

    #[test]
    fn every_meeting_can_be_held_somewhere() {
        let problem = Problem::try_from(doc(SampleSpec::new(600, 2_500, 90, 3))).unwrap();
        let all_slots = problem.slots.len();
        for (m, meeting) in problem.meetings.iter().enumerate() {
            assert!(
                (0..problem.rooms.len()).any(|r| problem.room_fits(m, r)),
                "{} fits no room",
                meeting.id
            );
            assert!(problem.seats_needed(m) <= u64::from(MAX_MEETING_SEATS));
            let first = meeting.participants[0];
            assert!(meeting.participants[1..].iter().all(|&p| p != first));
        }
        for participant in &problem.participants {
            assert!(
                participant.unavailable.len() < all_slots,
                "{} is never there",
                participant.id
            );
            if let Some(cap) = participant.max_meetings {
                assert!((6..=16).contains(&cap), "{}: {cap}", participant.id);
            }
        }
        // A meeting of more than one slot must fit inside a session somewhere.
        for (m, meeting) in problem.meetings.iter().enumerate() {
            assert!(
                (0..all_slots).any(|s| problem.occupied_slots(m, s).is_some()),
                "{}",
                meeting.id
            );
        }
    }

    #[test]
    fn requests_are_mostly_accepted_and_popularity_is_skewed() {
        let spec = SampleSpec::preset("s").unwrap();
        let expo = Expo::generate(&spec).unwrap();
        assert_eq!(expo.accepted().count(), spec.meetings);
        assert!(expo.requests.len() > spec.meetings);
        assert!(expo.requests.iter().any(|r| r.status == RequestStatus::Declined));
        let mut asked: HashMap<&str, usize> = HashMap::new();
        for r in expo.accepted() {
            for invitee in &r.with {
                *asked.entry(invitee.as_str()).or_default() += 1;
            }
            assert!((1..=5).contains(&r.priority));
            assert!(r.duration_minutes == 20 || r.duration_minutes == 40);
        }
        let mut counts: Vec<usize> = asked.into_values().collect();
        counts.sort_unstable();
        let top = counts[counts.len() - 1];
        let median = counts[counts.len() / 2];
        // Popular exhibitors are asked for more meetings than the 35 slots can hold.
        assert!(top > 35 && top >= 8 * median, "top {top}, median {median}");
    }
}
