//! Helpers the caller uses to compute a query's exclusions.

use std::collections::HashSet;
use std::hash::Hash;

/// The first slot (in `all_slots` order) that neither participant marked unavailable.
pub fn first_common_free_slot<'s, S: Eq + Hash>(
    all_slots: &'s [S],
    a_unavailable: &[S],
    b_unavailable: &[S],
) -> Option<&'s S> {
    let busy: HashSet<&S> = a_unavailable.iter().chain(b_unavailable).collect();
    all_slots.iter().find(|slot| !busy.contains(slot))
}

/// Whether two participants have at least one slot where both are free; those who have
/// none cannot meet and belong in [`crate::SuggestQuery::exclude`].
pub fn have_common_free_slot<S: Eq + Hash>(
    all_slots: &[S],
    a_unavailable: &[S],
    b_unavailable: &[S],
) -> bool {
    first_common_free_slot(all_slots, a_unavailable, b_unavailable).is_some()
}

/// Whether a participant's accepted meetings already use its whole quota (`None`: no quota).
pub fn quota_full(max_meetings: Option<u32>, accepted_meetings: u32) -> bool {
    max_meetings.is_some_and(|max| accepted_meetings >= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_free_slot_skips_either_side_unavailability() {
        let slots = ["d1-09:00", "d1-09:30", "d1-10:00"];
        assert_eq!(
            first_common_free_slot(&slots, &["d1-09:00"], &["d1-09:30"]),
            Some(&"d1-10:00")
        );
        assert!(!have_common_free_slot(
            &slots,
            &["d1-09:00", "d1-10:00"],
            &["d1-09:30"]
        ));
        assert!(have_common_free_slot(&slots, &[], &[]));
        assert!(!have_common_free_slot::<&str>(&[], &[], &[]));
    }

    #[test]
    fn quota_is_full_only_when_reached() {
        assert!(!quota_full(None, 100));
        assert!(!quota_full(Some(3), 2));
        assert!(quota_full(Some(3), 3));
        assert!(quota_full(Some(0), 0));
    }
}
