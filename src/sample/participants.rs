//! Participants and their public profiles: city delegations first (Bangkok, the guest of
//! honour, then ASEAN and Moroccan cities), then companies, researchers and institutions.

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::calendar::SlotLayout;
use super::catalog::{self, CITIES, City, Region, TOPICS};
use super::expo::{ParticipantKind, Profile, SampleParticipant};

fn pick<'a>(rng: &mut ChaCha8Rng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

fn pick_city(rng: &mut ChaCha8Rng) -> &'static City {
    let roll: f64 = rng.random();
    let pool: Vec<&'static City> = if roll < 0.15 {
        // The host city is home to more participants than any other.
        CITIES.iter().filter(|c| c.name == "Casablanca").collect()
    } else if roll < 0.45 {
        CITIES.iter().filter(|c| c.region == Region::Morocco).collect()
    } else if roll < 0.6 {
        CITIES.iter().filter(|c| c.region == Region::Asean).collect()
    } else {
        CITIES.iter().collect()
    };
    pool.choose(rng).copied().unwrap_or(&CITIES[0])
}

fn languages_of(rng: &mut ChaCha8Rng, city: &City, kind: ParticipantKind) -> Vec<String> {
    let mut languages: Vec<String> = city.languages.iter().map(|l| l.to_string()).collect();
    if kind != ParticipantKind::Delegation && city.region == Region::Morocco && rng.random_bool(0.5) {
        // Many Moroccan participants also work in English; a third language is rarer.
        languages.truncate(2);
    }
    if !languages.iter().any(|l| l == "en") && rng.random_bool(0.6) {
        languages.push("en".into());
    }
    languages
}

/// Topics, offers and seeks: offers come from the participant's own topics, seeks from
/// its topics or a neighbouring one.
fn profile(
    rng: &mut ChaCha8Rng,
    languages: &[String],
    kind: ParticipantKind,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let topic_count = rng.random_range(2..=4);
    let topics = rand::seq::index::sample(rng, TOPICS.len(), topic_count).into_vec();
    let french = languages.iter().any(|l| l == "fr");
    let phrase = |rng: &mut ChaCha8Rng, topic: usize| {
        let phrases = TOPICS[topic].phrases;
        let (en, fr) = phrases[rng.random_range(0..phrases.len())];
        let text = if french && rng.random_bool(0.6) { fr } else { en };
        text.to_string()
    };
    let (offer_count, seek_count) = match kind {
        ParticipantKind::Delegation => (1, rng.random_range(2..=3)),
        ParticipantKind::Company => (rng.random_range(2..=3), rng.random_range(1..=2)),
        ParticipantKind::Researcher | ParticipantKind::Institution => {
            (rng.random_range(1..=2), rng.random_range(1..=2))
        }
    };
    let mut offers = Vec::with_capacity(offer_count);
    for _ in 0..offer_count {
        let topic = topics[rng.random_range(0..topics.len())];
        let text = phrase(rng, topic);
        if !offers.contains(&text) {
            offers.push(text);
        }
    }
    let mut seeks = Vec::with_capacity(seek_count);
    // A few extra draws: a seek that repeats an offer or another seek is drawn again.
    for _ in 0..seek_count * 8 {
        if seeks.len() == seek_count {
            break;
        }
        let topic = if rng.random_bool(0.7) {
            topics[rng.random_range(0..topics.len())]
        } else {
            rng.random_range(0..TOPICS.len())
        };
        let text = phrase(rng, topic);
        if !seeks.contains(&text) && !offers.contains(&text) {
            seeks.push(text);
        }
    }
    if seeks.is_empty() {
        let fallback = if french {
            "partenaires pour un projet pilote"
        } else {
            "pilot project partners"
        };
        seeks.push(fallback.to_string());
    }
    let topics = topics.into_iter().map(|t| TOPICS[t].name.to_string()).collect();
    (topics, offers, seeks)
}

fn delegation(rng: &mut ChaCha8Rng, city: &City) -> (String, String, String, u32) {
    let slug = catalog::slug(city.name);
    let (name, organization, size) = match city.name {
        "Bangkok" => (
            "Bangkok Metropolitan Administration".to_string(),
            "BMA".to_string(),
            6,
        ),
        _ if city.region == Region::Morocco => (
            format!("Délégation de la ville de {}", city.name),
            format!("Commune de {}", city.name),
            rng.random_range(2..=5),
        ),
        _ if city.languages.first() == Some(&"fr") => (
            format!("Délégation de {}", city.name),
            format!("Ville de {}", city.name),
            rng.random_range(2..=5),
        ),
        _ => (
            format!("{} city delegation", city.name),
            format!("City of {}", city.name),
            rng.random_range(2..=5),
        ),
    };
    (format!("del-{slug}"), name, organization, size)
}

fn company_name(rng: &mut ChaCha8Rng, city: &City) -> String {
    let stem = format!(
        "{} {}",
        pick(rng, catalog::COMPANY_PREFIXES),
        pick(rng, catalog::COMPANY_WORDS)
    );
    match city.country {
        "MA" => format!("{stem} {}", if rng.random_bool(0.7) { "SARL" } else { "SA" }),
        "FR" => format!("{stem} SAS"),
        "TH" => format!("{stem} Co., Ltd."),
        "SG" => format!("{stem} Pte Ltd"),
        "MY" => format!("{stem} Sdn Bhd"),
        "ID" => format!("PT {stem}"),
        "US" | "CA" => format!("{stem} Inc."),
        "DE" | "AT" => format!("{stem} GmbH"),
        _ => format!("{stem} Ltd"),
    }
}

fn university(rng: &mut ChaCha8Rng, city: &City) -> String {
    match city.name {
        "Casablanca" if rng.random_bool(0.5) => "Université Hassan II de Casablanca".into(),
        "Rabat" if rng.random_bool(0.5) => "Université Mohammed V de Rabat".into(),
        "Bangkok" => "Chulalongkorn University".into(),
        "Singapore" => "National University of Singapore".into(),
        _ if city.region == Region::Morocco && rng.random_bool(0.25) => {
            "Université Mohammed VI Polytechnique (UM6P)".into()
        }
        _ if city.languages.contains(&"fr") => format!("Université de {}", city.name),
        _ => format!("University of {}", city.name),
    }
}

pub(super) fn generate_participants(
    rng: &mut ChaCha8Rng,
    count: usize,
    layout: &SlotLayout,
) -> Vec<SampleParticipant> {
    let delegations = (count / 25).clamp(1, CITIES.len());
    let mut participants = Vec::with_capacity(count);
    #[allow(clippy::needless_range_loop)]
    for i in 0..count {
        let delegation_city = CITIES.get(i).filter(|_| i < delegations);
        let (kind, city) = if let Some(city) = delegation_city {
            (ParticipantKind::Delegation, city)
        } else {
            let roll: f64 = rng.random();
            let kind = if roll < 0.65 {
                ParticipantKind::Company
            } else if roll < 0.89 {
                ParticipantKind::Researcher
            } else {
                ParticipantKind::Institution
            };
            (kind, pick_city(rng))
        };
        let (id, name, organization, size) = match kind {
            ParticipantKind::Delegation => delegation(rng, city),
            ParticipantKind::Company => {
                let name = company_name(rng, city);
                let size = if rng.random_bool(0.2) { 2 } else { 1 };
                (format!("com-{i:05}"), name.clone(), name, size)
            }
            ParticipantKind::Researcher => {
                let (given, family) = catalog::person_names(city.region);
                let title = if rng.random_bool(0.4) { "Pr" } else { "Dr" };
                let name = format!("{title} {} {}", pick(rng, given), pick(rng, family));
                (format!("res-{i:05}"), name, university(rng, city), 1)
            }
            ParticipantKind::Institution => {
                let templates = if city.languages.contains(&"fr") {
                    catalog::INSTITUTIONS_FR
                } else {
                    catalog::INSTITUTIONS_EN
                };
                let name = pick(rng, templates).replace("{}", city.name);
                let size = if rng.random_bool(0.3) { 2 } else { 1 };
                (format!("ins-{i:05}"), name.clone(), name, size)
            }
        };
        let languages = languages_of(rng, city, kind);
        let (topics, offers, seeks) = profile(rng, &languages, kind);
        let max_meetings = match kind {
            ParticipantKind::Delegation => Some(rng.random_range(9..=14)),
            _ if rng.random_bool(0.55) => Some(rng.random_range(6..=16)),
            _ => None,
        };
        let mut unavailable = Vec::new();
        if kind != ParticipantKind::Delegation && rng.random_bool(0.08) {
            // Only there for one of the two days.
            if let Some(day) = layout.days.choose(rng) {
                unavailable.extend_from_slice(day);
            }
        }
        if rng.random_bool(0.2) {
            // Gives a talk, or sits on a panel.
            let len = rng.random_range(2..=4);
            unavailable.extend(layout.random_run(rng, len));
        }
        participants.push(SampleParticipant {
            id,
            profile: Profile {
                name,
                kind,
                organization: Some(organization),
                city: Some(city.name.into()),
                country: Some(city.country.into()),
                size,
                languages,
                topics,
                offers,
                seeks,
                max_meetings,
                unavailable: layout.to_ids(unavailable),
                email: None,
                language: Default::default(),
                notifications: Default::default(),
            },
        });
    }
    participants
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::domain::Invalid;
    use crate::domain::participant::CreateParticipant;
    use crate::sample::{Expo, SampleSpec};

    #[test]
    fn bangkok_delegation_has_six_seats() {
        let expo = Expo::generate(&SampleSpec::preset("tiny").unwrap()).unwrap();
        let bangkok = expo.participants.iter().find(|p| p.id == "del-bangkok").unwrap();
        assert_eq!(bangkok.profile.size, 6);
        assert_eq!(bangkok.profile.kind, ParticipantKind::Delegation);
        assert_eq!(
            (
                bangkok.profile.city.as_deref(),
                bangkok.profile.country.as_deref()
            ),
            (Some("Bangkok"), Some("TH"))
        );
        assert!(bangkok.profile.languages.contains(&"th".to_string()));
    }

    #[test]
    fn delegations_come_from_asean_and_morocco_first() {
        let expo = Expo::generate(&SampleSpec::preset("s").unwrap()).unwrap();
        let cities: Vec<&str> = expo
            .participants
            .iter()
            .filter(|p| p.profile.kind == ParticipantKind::Delegation)
            .filter_map(|p| p.profile.city.as_deref())
            .collect();
        assert_eq!(cities.len(), 12);
        assert_eq!(cities[0], "Bangkok");
        assert!(
            cities.contains(&"Singapore") && cities.contains(&"Casablanca"),
            "{cities:?}"
        );
        let xl_delegations = (20_000 / 25usize).clamp(1, CITIES.len());
        assert!(xl_delegations >= 80);
    }

    #[test]
    fn profiles_are_filled_in() {
        let expo = Expo::generate(&SampleSpec::preset("demo").unwrap()).unwrap();
        let mut kinds = HashSet::new();
        for p in &expo.participants {
            kinds.insert(p.profile.kind);
            assert!(
                !p.profile.name.is_empty()
                    && p.profile.organization.as_ref().is_some_and(|o| !o.is_empty())
                    && p.profile.city.as_ref().is_some_and(|c| !c.is_empty()),
                "{p:?}"
            );
            assert_eq!(p.profile.country.as_ref().map(String::len), Some(2), "{p:?}");
            assert!(
                !p.profile.languages.is_empty() && !p.profile.topics.is_empty(),
                "{p:?}"
            );
            assert!(
                !p.profile.offers.is_empty() && !p.profile.seeks.is_empty(),
                "{p:?}"
            );
        }
        assert_eq!(kinds.len(), 4);
        let french = expo
            .participants
            .iter()
            .flat_map(|p| &p.profile.offers)
            .any(|o| o == "capteurs d'inondation");
        let english = expo
            .participants
            .iter()
            .flat_map(|p| &p.profile.offers)
            .any(|o| o == "flood sensors");
        assert!(french || english);
        // The API's spelling of the kind.
        let json = serde_json::to_value(&expo.participants[0]).unwrap();
        assert_eq!(json["kind"], "delegation");
    }

    #[test]
    fn sample_profiles_register_as_they_are() {
        // `demo` posts each sample profile as its registration: the domain must take it
        // unchanged, with no broken rule.
        let expo = Expo::generate(&SampleSpec::preset("demo").unwrap()).unwrap();
        let spec = expo
            .event_record("sample", chrono::DateTime::UNIX_EPOCH)
            .spec()
            .unwrap();
        for p in &expo.participants {
            let body = serde_json::to_value(&p.profile).unwrap();
            let registration: CreateParticipant = serde_json::from_value(body).unwrap();
            let mut errors = Invalid::default();
            let parsed = registration.parse(&spec, "", &mut errors);
            assert_eq!(errors.into_result(parsed).as_ref(), Ok(&p.profile), "{}", p.id);
        }
    }
}
