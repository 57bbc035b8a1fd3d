//! Progress reports to the caller, sent only when something improved.

use std::time::Instant;

use super::options::{Phase, Progress};

/// Sends progress only when something improved.
pub(super) struct Reporter<'a> {
    pub(super) progress: &'a mut dyn FnMut(&Progress),
    pub(super) started: Instant,
    pub(super) incumbent: i64,
    pub(super) bound: Option<i64>,
}

impl Reporter<'_> {
    pub(super) fn send(&mut self, phase: Phase) {
        (self.progress)(&Progress {
            incumbent: self.incumbent,
            bound: self.bound,
            elapsed: self.started.elapsed(),
            phase,
        });
    }

    pub(super) fn incumbent(&mut self, objective: i64, phase: Phase) {
        if objective > self.incumbent {
            self.incumbent = objective;
            self.send(phase);
        }
    }

    pub(super) fn bound(&mut self, bound: i64, phase: Phase) {
        if self.bound.is_none_or(|b| bound < b) {
            self.bound = Some(bound);
            self.send(phase);
        }
    }
}
