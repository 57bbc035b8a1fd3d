//! Loading a generated expo straight into a store, as the API would have written it: what
//! the agenda and recommendations benchmarks measure against.

use chrono::Utc;
use rendezvous::domain::matchmaking::{BoostRule, BoostTarget};
use rendezvous::sample::Expo;
use rendezvous::store::{self, Participant};

/// Writes the sample into the store as the API would have; returns the event id and each
/// participant's id and bearer token.
pub async fn load(store: &dyn store::Store, expo: &Expo) -> anyhow::Result<(String, Vec<(String, String)>)> {
    let event = rendezvous::domain::ids::new_id("evt");
    let now = Utc::now();
    store.create_event(&expo.event_record(&event, now)).await?;
    for room in expo.room_records(&event) {
        store.create_room(&room).await?;
    }
    let tokens: Vec<(String, String)> = expo
        .participants
        .iter()
        .map(|p| (p.id.clone(), rendezvous::domain::ids::new_participant_token()))
        .collect();
    let participants: Vec<(Participant, String)> = expo
        .participant_records(&event)
        .into_iter()
        .zip(&tokens)
        .map(|(participant, (_, token))| (participant, rendezvous::domain::ids::hash_token(token)))
        .collect();
    for chunk in participants.chunks(2_000) {
        store.create_participants(chunk).await?;
    }
    // Request ids are unique across events: prefixed with the event's.
    let mut requests = expo.request_records(&event, now);
    for request in &mut requests {
        request.id = format!("{event}-{}", request.id);
    }
    for chunk in requests.chunks(5_000) {
        store.create_requests(chunk).await?;
    }
    // The guest of honour and the ASEAN delegations, as the organisers would set them.
    let mut boosts = vec![BoostRule {
        target: BoostTarget::City("Bangkok".into()),
        factor: 1.5,
    }];
    boosts.extend(["TH", "VN", "ID", "MY", "PH", "SG"].map(|c| BoostRule {
        target: BoostTarget::Country(c.into()),
        factor: 1.2,
    }));
    store.set_boosts(&event, &boosts).await?;
    Ok((event, tokens))
}
