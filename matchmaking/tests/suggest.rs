//! Ranking rules of the suggestion index, through its public API.

use std::collections::HashSet;

use rendezvous_matchmaking::availability::{have_common_free_slot, quota_full};
use rendezvous_matchmaking::{
    Boost, BoostTarget, Index, MatchError, Profile, ProposalSettings, QuietParticipant, SuggestQuery,
    Suggestion, auto_proposals,
};

fn profile(id: &str, offers: &[&str], seeks: &[&str]) -> Profile {
    Profile {
        id: id.to_string(),
        name: id.to_string(),
        kind: "company".to_string(),
        organization: format!("{id} Ltd"),
        languages: vec!["en".to_string(), "fr".to_string()],
        offers: offers.iter().map(|s| s.to_string()).collect(),
        seeks: seeks.iter().map(|s| s.to_string()).collect(),
        ..Profile::default()
    }
}

fn index_of(profiles: impl IntoIterator<Item = Profile>) -> Index {
    let mut index = Index::new();
    for p in profiles {
        index.upsert(p).expect("valid profile");
    }
    index
}

/// A suggestion's reasons as the English sentences they display as.
fn said(suggestion: &Suggestion) -> Vec<String> {
    suggestion.reasons.iter().map(ToString::to_string).collect()
}

fn ids(suggestions: &[Suggestion]) -> Vec<&str> {
    suggestions.iter().map(|s| s.id.as_str()).collect()
}

/// A seeker of flood sensors among a partner (in French), partial matches and bystanders.
fn expo() -> Index {
    let mut casablanca = profile(
        "Casablanca",
        &["open data portal"],
        &["flood sensors", "partners in Africa"],
    );
    casablanca.topics = vec!["Mobility".to_string(), "flood resilience".to_string()];
    let mut hydro = profile(
        "HydroSense",
        &["capteurs d'inondation connectés"],
        &["pilot cities"],
    );
    hydro.topics = vec!["mobilité".to_string()];
    hydro.sector = Some("water".to_string());
    let insurer = profile("FloodCover", &["flood insurance"], &[]);
    let parking = profile("ParkSense", &["parking sensors"], &[]);
    let data_buyer = profile("DataHub", &["event management"], &["données ouvertes"]);
    let bystander = profile("Bakery", &["bread"], &["flour"]);
    index_of([casablanca, hydro, insurer, parking, data_buyer, bystander])
}

#[test]
fn complementary_partner_ranks_first_with_reasons_quoting_both_sides() {
    let index = expo();
    let suggestions = index.suggest("Casablanca", &SuggestQuery::new(10)).unwrap();
    assert_eq!(suggestions[0].id, "HydroSense", "{suggestions:#?}");
    let reasons = &said(&suggestions[0]);
    assert!(
        reasons.contains(
            &"you seek flood sensors; HydroSense offers capteurs d'inondation connectés".to_string()
        ),
        "{reasons:#?}"
    );
    assert!(
        reasons.contains(&"both work on Mobility".to_string()),
        "{reasons:#?}"
    );
    assert!(
        reasons.iter().any(|r| r == "you share English and French"),
        "{reasons:#?}"
    );
    // Partial matches rank below the full one, and someone with nothing in common is absent.
    let found = ids(&suggestions);
    assert!(
        found.contains(&"FloodCover") && found.contains(&"ParkSense"),
        "{found:?}"
    );
    assert!(!found.contains(&"Bakery"), "{found:?}");
    assert!(suggestions.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn they_seek_what_i_offer_counts_and_is_explained() {
    let index = expo();
    let suggestions = index.suggest("Casablanca", &SuggestQuery::new(10)).unwrap();
    let data_hub = suggestions
        .iter()
        .find(|s| s.id == "DataHub")
        .expect("DataHub seeks my open data");
    assert!(
        said(data_hub).contains(&"DataHub seeks données ouvertes; you offer open data portal".to_string()),
        "{:#?}",
        data_hub.reasons
    );
}

#[test]
fn self_and_excluded_participants_are_never_suggested() {
    let index = expo();
    let mut query = SuggestQuery::new(10);
    query.exclude = HashSet::from(["HydroSense".to_string(), "unknown-id".to_string()]);
    let found: Vec<String> = index
        .suggest("Casablanca", &query)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert!(!found.contains(&"HydroSense".to_string()), "{found:?}");
    assert!(!found.contains(&"Casablanca".to_string()), "{found:?}");
    assert!(found.contains(&"FloodCover".to_string()), "{found:?}");
}

#[test]
fn caller_exclusions_for_full_quota_and_no_common_slot() {
    let index = expo();
    let slots = ["d1-09:00", "d1-09:20", "d2-09:00"];
    let unavailable = |id: &str| -> Vec<&str> {
        match id {
            "Casablanca" => vec!["d2-09:00"],
            "HydroSense" => vec!["d1-09:00", "d1-09:20"],
            _ => vec![],
        }
    };
    let accepted_and_quota = |id: &str| match id {
        "FloodCover" => (4, Some(4)),
        _ => (0, None),
    };
    let mut query = SuggestQuery::new(10);
    for other in ["HydroSense", "FloodCover", "ParkSense", "DataHub", "Bakery"] {
        let (accepted, max) = accepted_and_quota(other);
        if quota_full(max, accepted)
            || !have_common_free_slot(&slots, &unavailable("Casablanca"), &unavailable(other))
        {
            query.exclude.insert(other.to_string());
        }
    }
    assert_eq!(
        query.exclude,
        HashSet::from(["HydroSense".to_string(), "FloodCover".to_string()])
    );
    let suggestions = index.suggest("Casablanca", &query).unwrap();
    assert_eq!(ids(&suggestions), ["DataHub", "ParkSense"], "{suggestions:#?}");
}

#[test]
fn organiser_boosts_change_the_order() {
    let mut seeker = profile("Rabat", &[], &["digital twin of the water network"]);
    seeker.topics = vec!["water".to_string()];
    let mut local = profile("LocalTwin", &["digital twin for water networks"], &[]);
    local.topics = vec!["water".to_string()];
    let mut bangkok = profile("BKK", &["jumeau numérique"], &[]);
    bangkok.city = "Bangkok".to_string();
    bangkok.country = "TH".to_string();
    bangkok.groups = vec!["ASEAN".to_string()];
    bangkok.kind = "delegation".to_string();
    let index = index_of([seeker, local, bangkok]);

    let plain = index.suggest("Rabat", &SuggestQuery::new(5)).unwrap();
    assert_eq!(ids(&plain), ["LocalTwin", "BKK"]);

    for target in [
        BoostTarget::Group("asean".to_string()),
        BoostTarget::City("bangkok".to_string()),
        BoostTarget::Country("TH".to_string()),
        BoostTarget::Kind("Delegation".to_string()),
        BoostTarget::Participant("BKK".to_string()),
    ] {
        let mut query = SuggestQuery::new(5);
        query.boosts = vec![Boost {
            target: target.clone(),
            factor: 10.0,
        }];
        let boosted = index.suggest("Rabat", &query).unwrap();
        assert_eq!(ids(&boosted), ["BKK", "LocalTwin"], "{target:?}");
        assert!(
            said(&boosted[0])
                .iter()
                .any(|r| r.starts_with("highlighted by the organisers"))
        );
    }
}

#[test]
fn invalid_queries_and_profiles_name_the_field() {
    let index = expo();
    let mut query = SuggestQuery::new(5);
    query.boosts = vec![Boost {
        target: BoostTarget::Group("asean".to_string()),
        factor: f64::NAN,
    }];
    let err = index.suggest("Casablanca", &query).unwrap_err();
    assert!(
        matches!(&err, MatchError::Invalid { field, .. } if field == "boosts[0].factor"),
        "{err}"
    );
    let err = index.suggest("Casablanca", &SuggestQuery::new(0)).unwrap_err();
    assert!(err.to_string().starts_with("limit:"), "{err}");
    assert_eq!(
        index.suggest("nobody", &SuggestQuery::new(5)).unwrap_err(),
        MatchError::UnknownParticipant("nobody".to_string())
    );

    let mut index = Index::new();
    let err = index.upsert(profile(" ", &[], &[])).unwrap_err();
    assert!(
        matches!(&err, MatchError::Invalid { field, .. } if field == "id"),
        "{err}"
    );
    let err = index
        .upsert(profile("x", &["ok", "long ".repeat(500).as_str()], &[]))
        .unwrap_err();
    assert!(
        matches!(&err, MatchError::Invalid { field, .. } if field == "offers[1]"),
        "{err}"
    );
    assert!(index.is_empty());
}

#[test]
fn diversity_keeps_one_sector_from_filling_the_list() {
    let mut profiles = vec![profile("Seeker", &[], &["smart water meters", "traffic sensors"])];
    for i in 0..12 {
        let mut p = profile(&format!("water{i}"), &["smart water meters"], &[]);
        p.sector = Some("water".to_string());
        profiles.push(p);
    }
    for i in 0..3 {
        let mut p = profile(&format!("mobility{i}"), &["capteurs de trafic"], &[]);
        p.sector = Some("mobility".to_string());
        profiles.push(p);
    }
    let index = index_of(profiles);
    let suggestions = index.suggest("Seeker", &SuggestQuery::new(10)).unwrap();
    let mobility = suggestions
        .iter()
        .filter(|s| s.id.starts_with("mobility"))
        .count();
    assert_eq!(suggestions.len(), 10);
    assert_eq!(mobility, 3, "{:?}", ids(&suggestions));
    assert!(suggestions.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn same_organisation_is_spread_out() {
    let mut profiles = vec![profile("Seeker", &[], &["solar street lighting"])];
    for i in 0..4 {
        let mut p = profile(&format!("big{i}"), &["solar street lighting"], &[]);
        p.organization = "BigCorp".to_string();
        profiles.push(p);
    }
    profiles.push(profile("small", &["éclairage public solaire"], &[]));
    let index = index_of(profiles);
    let suggestions = index.suggest("Seeker", &SuggestQuery::new(3)).unwrap();
    assert!(ids(&suggestions).contains(&"small"), "{:?}", ids(&suggestions));
}

#[test]
fn no_common_language_is_penalised_and_said() {
    let seeker = profile("Seeker", &[], &["robots de tri des déchets"]);
    let mut thai_only = profile("ThaiOnly", &["robots de tri des déchets"], &[]);
    thai_only.languages = vec!["th".to_string()];
    let mut seeker_fr = seeker.clone();
    seeker_fr.id = "SeekerFr".to_string();
    seeker_fr.languages = vec!["Français".to_string()];
    let french = {
        let mut p = profile("French", &["robots de tri des déchets"], &[]);
        p.languages = vec!["fr-FR".to_string()];
        p
    };
    let index = index_of([seeker, thai_only, seeker_fr, french]);
    let suggestions = index.suggest("SeekerFr", &SuggestQuery::new(5)).unwrap();
    assert_eq!(ids(&suggestions)[0], "French", "{suggestions:#?}");
    assert!(said(&suggestions[0]).contains(&"you share French".to_string()));
    let thai = suggestions
        .iter()
        .find(|s| s.id == "ThaiOnly")
        .expect("penalised, not excluded");
    assert!(
        said(thai).iter().any(|r| r.starts_with("no language in common")),
        "{:#?}",
        thai.reasons
    );
    assert!(thai.score < suggestions[0].score / 5.0);
}

#[test]
fn upsert_and_remove_are_reflected_at_once() {
    let mut index = expo();
    let first = |index: &Index| {
        index.suggest("Casablanca", &SuggestQuery::new(10)).unwrap()[0]
            .id
            .clone()
    };
    assert_eq!(first(&index), "HydroSense");

    // HydroSense changes its profile: it no longer offers sensors.
    index
        .upsert(profile("HydroSense", &["bakery supplies"], &[]))
        .unwrap();
    assert_eq!(index.len(), 6);
    let found = index.suggest("Casablanca", &SuggestQuery::new(10)).unwrap();
    assert!(!ids(&found).contains(&"HydroSense"), "{found:#?}");

    // A newcomer offering flood sensors shows up at once.
    index
        .upsert(profile("NewFlood", &["flood sensor networks"], &[]))
        .unwrap();
    assert_eq!(first(&index), "NewFlood");

    // Removed participants disappear; the seeker's own edit changes what it gets.
    assert!(index.remove("NewFlood").is_some());
    assert!(index.remove("NewFlood").is_none());
    assert_ne!(first(&index), "NewFlood");
    index.upsert(profile("Casablanca", &[], &["bread"])).unwrap();
    assert_eq!(first(&index), "Bakery");
    assert_eq!(index.get("Casablanca").unwrap().seeks, ["bread"]);
}

#[test]
fn removal_then_reinsertion_gives_the_same_ranking() {
    let index = expo();
    let before = index.suggest("Casablanca", &SuggestQuery::new(10)).unwrap();
    let mut edited = index.clone();
    let removed = edited.remove("FloodCover").unwrap();
    let removed_parking = edited.remove("ParkSense").unwrap();
    edited.upsert(removed_parking).unwrap();
    edited.upsert(removed).unwrap();
    let after = edited.suggest("Casablanca", &SuggestQuery::new(10)).unwrap();
    assert_eq!(ids(&before), ids(&after));
    for (b, a) in before.iter().zip(&after) {
        assert!((b.score - a.score).abs() < 1e-9, "{b:?} vs {a:?}");
    }
}

#[test]
fn auto_proposals_fill_up_quiet_participants_once_per_pair() {
    let index = expo();
    let settings = ProposalSettings {
        target_requests: 2,
        max_per_invitee: 1,
        boosts: vec![],
    };
    let quiet = [
        QuietParticipant {
            id: "Casablanca".to_string(),
            requested: 0,
            exclude: HashSet::new(),
        },
        QuietParticipant {
            id: "HydroSense".to_string(),
            requested: 0,
            exclude: HashSet::new(),
        },
        QuietParticipant {
            id: "DataHub".to_string(),
            requested: 5,
            exclude: HashSet::new(),
        },
    ];
    let proposals = auto_proposals(&index, &quiet, &settings).unwrap();
    let casablanca: Vec<_> = proposals.iter().filter(|p| p.requester == "Casablanca").collect();
    assert_eq!(casablanca.len(), 2, "{proposals:#?}");
    assert_eq!(casablanca[0].invitee, "HydroSense");
    assert!(!casablanca[0].reasons.is_empty());
    // HydroSense was already paired with Casablanca: not proposed again the other way.
    assert!(
        !proposals
            .iter()
            .any(|p| p.requester == "HydroSense" && p.invitee == "Casablanca")
    );
    assert!(!proposals.iter().any(|p| p.requester == "DataHub"));
    let mut invitees: Vec<_> = proposals.iter().map(|p| &p.invitee).collect();
    let total = invitees.len();
    invitees.sort();
    invitees.dedup();
    assert_eq!(
        invitees.len(),
        total,
        "max one proposal per invitee: {proposals:#?}"
    );
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync + Clone>(_: &T) -> bool {
        true
    }
    let index = expo();
    assert!(shareable(&index));
    let answers: Vec<Vec<Suggestion>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ["Casablanca", "DataHub"]
            .map(|who| scope.spawn(|| index.suggest(who, &SuggestQuery::new(3)).unwrap()))
            .into_iter()
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(answers[0][0].id, "HydroSense");
    assert!(!answers[1].is_empty());
}

#[test]
fn incremental_updates_score_exactly_like_a_fresh_build() {
    use rendezvous_matchmaking::eval::{self, EvalConfig};
    let set = eval::generate(&EvalConfig {
        profiles: 400,
        planted_pairs: 20,
        ..EvalConfig::default()
    });
    let mut live: Vec<Profile> = set.profiles.clone();
    let mut incremental = index_of(live.clone());
    // Profile edits, departures and arrivals, applied one by one.
    for i in (0..live.len()).step_by(7) {
        let donor = live[(i * 13 + 5) % live.len()].offers.clone();
        live[i].offers = donor;
        incremental.upsert(live[i].clone()).unwrap();
    }
    let departed: Vec<Profile> = live.drain(..40).collect();
    for profile in &departed {
        incremental.remove(&profile.id).unwrap();
    }
    for profile in departed.into_iter().take(15) {
        incremental.upsert(profile.clone()).unwrap();
        live.push(profile);
    }
    let fresh = index_of(live.clone());
    assert_eq!(incremental.len(), fresh.len());
    for profile in live.iter().step_by(9) {
        let a = incremental.suggest(&profile.id, &SuggestQuery::new(15)).unwrap();
        let b = fresh.suggest(&profile.id, &SuggestQuery::new(15)).unwrap();
        assert_eq!(a.len(), b.len(), "{}", profile.id);
        for (x, y) in a.iter().zip(&b) {
            assert!((x.score - y.score).abs() < 1e-9, "{}: {x:?} vs {y:?}", profile.id);
        }
        // Equal scores may come in another order; the last place may be a tie broken
        // differently, so compare all but the lowest score.
        let cutoff = a.last().map_or(0.0, |s| s.score);
        let strict = |list: &[Suggestion]| {
            let mut above: Vec<String> = list
                .iter()
                .filter(|s| s.score > cutoff + 1e-9)
                .map(|s| s.id.clone())
                .collect();
            above.sort();
            above
        };
        assert_eq!(strict(&a), strict(&b), "{}", profile.id);
    }
}

#[test]
fn a_shared_generic_word_is_no_reason_next_to_a_real_match() {
    let mut profiles = vec![
        profile("Seeker", &[], &["flood sensors", "pilot cities"]),
        profile(
            "Hydro",
            &["capteurs d'inondation", "formation pour les collectivités"],
            &[],
        ),
    ];
    for i in 0..3 {
        profiles.push(profile(
            &format!("generic{i}"),
            &["conseil aux collectivités"],
            &[],
        ));
    }
    let index = index_of(profiles);
    let suggestions = index.suggest("Seeker", &SuggestQuery::new(5)).unwrap();
    assert_eq!(suggestions[0].id, "Hydro");
    let reasons = &said(&suggestions[0]);
    assert!(
        reasons.iter().any(|r| r.contains("capteurs d'inondation")),
        "{reasons:#?}"
    );
    assert!(
        !reasons.iter().any(|r| r.contains("pilot cities")),
        "{reasons:#?}"
    );
    // The generic matches still carry their (only) reason.
    let generic = suggestions
        .iter()
        .find(|s| s.id == "generic0")
        .expect("weak match still listed");
    assert_eq!(
        said(generic)[0],
        "you seek pilot cities; generic0 offers conseil aux collectivités"
    );
}
