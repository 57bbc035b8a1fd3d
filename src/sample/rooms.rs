//! Two- and four-seat tables, and a few equipped rooms (interpretation, video).

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::calendar::SlotLayout;
use super::catalog;
use super::expo::SampleRoom;
use super::requests::MAX_MEETING_SEATS;

/// Equipped rooms (8–14 seats, interpretation and video) that come with `tables` tables:
/// about 0.8 √tables, at least two.
pub fn equipped_room_count(tables: usize) -> usize {
    ((tables as f64).sqrt() * 0.8).round().max(2.0) as usize
}

pub(super) fn generate_rooms(rng: &mut ChaCha8Rng, tables: usize, layout: &SlotLayout) -> Vec<SampleRoom> {
    let width = tables.to_string().len().max(3);
    let mut rooms = Vec::with_capacity(tables + equipped_room_count(tables));
    for t in 1..=tables {
        let capacity = if rng.random_bool(0.25) { 4 } else { 2 };
        let unavailable = if rng.random_bool(0.03) {
            let len = rng.random_range(1..=3);
            layout.to_ids(layout.random_run(rng, len))
        } else {
            Vec::new()
        };
        rooms.push(SampleRoom {
            id: format!("T{t:0width$}"),
            name: format!("Table {t}"),
            capacity,
            features: Vec::new(),
            unavailable,
        });
    }
    let equipped = equipped_room_count(tables);
    let width = equipped.to_string().len().max(2);
    for r in 0..equipped {
        let (capacity, features, unavailable) = match r {
            // The first room can hold any generated meeting, all the time.
            0 => (MAX_MEETING_SEATS, vec!["interpretation", "video"], Vec::new()),
            1 => (10, vec!["interpretation"], Vec::new()),
            _ => {
                let capacity = *[8, 10, 12, 14].choose(rng).unwrap_or(&8);
                let mut features = Vec::new();
                if rng.random_bool(0.5) {
                    features.push("interpretation");
                }
                if rng.random_bool(0.5) {
                    features.push("video");
                }
                let unavailable = if rng.random_bool(0.4) {
                    // Booked for a conference session.
                    layout.sessions.choose(rng).cloned().unwrap_or_default()
                } else {
                    Vec::new()
                };
                (capacity, features, unavailable)
            }
        };
        let base = catalog::ROOM_NAMES[r % catalog::ROOM_NAMES.len()];
        let round = r / catalog::ROOM_NAMES.len();
        rooms.push(SampleRoom {
            id: format!("R{:0width$}", r + 1),
            name: if round == 0 {
                base.to_string()
            } else {
                format!("{base} {}", round + 1)
            },
            capacity,
            features: features.into_iter().map(String::from).collect(),
            unavailable: layout.to_ids(unavailable),
        });
    }
    rooms
}
