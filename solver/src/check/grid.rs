//! The time structure, derived again from the slot times.

use std::ops::Range;

use crate::problem::{Problem, SlotIx};

/// The time structure, derived again from the slot times: which slot follows which, and
/// the session of each slot.
pub(super) struct Grid {
    /// `follows[i]`: slot `i + 1` starts when slot `i` ends.
    pub(super) follows: Vec<bool>,
    /// Session number of each slot.
    pub(super) session: Vec<usize>,
}

impl Grid {
    pub(super) fn new(problem: &Problem) -> Self {
        let slots = &problem.slots;
        let follows: Vec<bool> = slots.windows(2).map(|w| w[0].end == w[1].start).collect();
        let mut session = Vec::with_capacity(slots.len());
        let mut current = 0;
        for i in 0..slots.len() {
            if i > 0 && !follows[i - 1] {
                current += 1;
            }
            session.push(current);
        }
        Self { follows, session }
    }

    /// The slots from `first` on, up to `duration` of them, that follow each other without a
    /// break; `true` when all `duration` are there.
    pub(super) fn run(&self, first: SlotIx, duration: u32) -> (Range<SlotIx>, bool) {
        let mut end = first + 1;
        while end < first + duration as usize && end < self.session.len() && self.follows[end - 1] {
            end += 1;
        }
        (first..end, end == first + duration as usize)
    }
}
