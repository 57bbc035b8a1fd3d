//! The CSV registration import: any bytes are every row as a checked profile or a list of
//! broken rules, each naming the header or a row; never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rendezvous::domain::registrations_csv::{MAX_IMPORT_ROWS, parse};
use rendezvous::domain::{DaySpec, EventSpec};

/// One day of two sessions, so that `unavailable` slot ids can be right or wrong.
fn spec() -> &'static EventSpec {
    static SPEC: OnceLock<EventSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let day = DaySpec {
            date: "2026-06-10".into(),
            sessions: vec![["09:00".into(), "12:00".into()], ["14:00".into(), "17:00".into()]],
        };
        EventSpec::new("Fuzz expo", "Europe/Paris", 30, vec![day]).expect("a valid event")
    })
}

fuzz_target!(|data: &[u8]| {
    match parse(data, spec()) {
        Ok(rows) => {
            assert!(!rows.is_empty() && rows.len() <= MAX_IMPORT_ROWS);
            assert!(rows.windows(2).all(|w| w[0].0 < w[1].0), "rows out of order");
            for (_, profile) in &rows {
                assert!(!profile.name.trim().is_empty(), "a blank name was accepted");
                assert!(
                    !profile.name.chars().any(char::is_control),
                    "a control character was accepted"
                );
            }
        }
        Err(invalid) => {
            assert!(!invalid.0.is_empty());
            for error in &invalid.0 {
                assert!(
                    error.pointer.starts_with("/header") || error.pointer.starts_with("/rows"),
                    "pointer {:?}",
                    error.pointer
                );
            }
        }
    }
});
