//! Any text in, no panic out; the participant resource's JSON reads as a profile.

use std::collections::HashSet;

use proptest::prelude::*;
use rendezvous_matchmaking::{Index, Profile, SuggestQuery, index_terms};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "(flood|capteurs?|d'inondation|énergie|ÉNERGIE|données|open|data|the|les|AI|IA| |-|'){0,8}",
    ]
}

fn arbitrary_profile(id: usize) -> impl Strategy<Value = Profile> {
    (
        prop::collection::vec(text(), 0..4),
        prop::collection::vec(text(), 0..4),
        prop::collection::vec(text(), 0..3),
        prop::collection::vec("(en|fr|th|EN-gb|Français|)", 0..3),
        prop::option::of("(water|mobility|Water )"),
        text(),
    )
        .prop_map(
            move |(offers, seeks, topics, languages, sector, organization)| Profile {
                id: format!("p{id}"),
                name: format!("Participant {id}"),
                organization,
                offers,
                seeks,
                topics,
                languages,
                sector,
                ..Profile::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn analysis_never_panics(text in "\\PC{0,200}") {
        let terms = index_terms(&text);
        prop_assert!(terms.iter().all(|t| !t.is_empty()));
    }

    #[test]
    fn suggestions_respect_exclusions_and_stay_sorted(
        profiles in (0usize..12).prop_flat_map(|n| (0..n).map(arbitrary_profile).collect::<Vec<_>>()),
        excluded in prop::collection::hash_set(0usize..12, 0..4),
        limit in 1usize..8,
    ) {
        let mut index = Index::new();
        for profile in &profiles {
            index.upsert(profile.clone()).unwrap();
        }
        let mut query = SuggestQuery::new(limit);
        query.exclude = excluded.iter().map(|i| format!("p{i}")).collect();
        for profile in &profiles {
            let suggestions = index.suggest(&profile.id, &query).unwrap();
            prop_assert!(suggestions.len() <= limit);
            let ids: HashSet<&str> = suggestions.iter().map(|s| s.id.as_str()).collect();
            prop_assert_eq!(ids.len(), suggestions.len());
            prop_assert!(!ids.contains(profile.id.as_str()));
            prop_assert!(query.exclude.iter().all(|e| !ids.contains(e.as_str())));
            prop_assert!(suggestions.iter().all(|s| s.score.is_finite() && s.score > 0.0));
            prop_assert!(suggestions.windows(2).all(|w| w[0].score >= w[1].score));
        }
        // Removing everything leaves an index that answers "unknown participant".
        for profile in &profiles {
            prop_assert!(index.remove(&profile.id).is_some());
        }
        prop_assert!(index.is_empty());
    }
}

#[test]
fn participant_resource_json_reads_as_a_profile() {
    let json = r#"{"id": "bma", "name": "Bangkok Metropolitan Administration", "kind": "delegation",
        "organization": "BMA", "city": "Bangkok", "country": "TH", "size": 6, "languages": ["th", "en"],
        "topics": ["mobility", "flood resilience"], "offers": ["flood early warning"],
        "seeks": ["capteurs de qualité de l'air"], "max_meetings": 10, "unavailable": ["s1"],
        "groups": ["guest-of-honour", "asean"]}"#;
    let profile: Profile = serde_json::from_str(json).unwrap();
    assert_eq!(profile.display_name(), "Bangkok Metropolitan Administration");
    assert_eq!(profile.groups, ["guest-of-honour", "asean"]);
    assert_eq!(profile.sector, None);
    let mut index = Index::new();
    index.upsert(profile).unwrap();
    assert!(index.suggest("bma", &SuggestQuery::new(5)).unwrap().is_empty());
}
