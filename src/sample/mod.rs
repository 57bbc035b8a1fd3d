//! A synthetic Smart City Expo Casablanca B2B programme at any size, deterministic from a
//! seed: the event's days and slots, participants with public profiles, rooms, and meeting
//! requests — ready to load into the service ([`Expo`]) or to hand to the solver
//! ([`Expo::to_problem_doc`], built by the service's own problem builder).
//!
//! The shape follows the public benchmark instances (`shared/instances/`): 17–18 April 2027
//! in Africa/Casablanca, four sessions of 20-minute slots (35 slots), city delegations (the
//! guest of honour Bangkok with six seats, ASEAN partner cities, Moroccan cities, then the
//! rest of the world), companies, researchers and institutions; two- and four-seat tables
//! plus a few equipped rooms; a Zipf-like popularity so that a handful of exhibitors are
//! asked for far more meetings than they can hold.
//!
//! One concern per file: the sizes ([`spec`]), the generated programme ([`expo`]), its
//! calendar ([`calendar`], slots cut by the domain), participants, rooms, requests, and the
//! programme as the service's records ([`records`]); and a batch of late changes to a
//! solved problem ([`late`]), for the warm re-solve. Apart from the expo, look-alikes of
//! the published B2B benchmark's forums ([`forum`]).

mod calendar;
mod catalog;
mod expo;
mod forum;
mod late;
mod participants;
mod records;
mod requests;
mod rooms;
mod spec;

pub use calendar::{SLOT_MINUTES, TIMEZONE, day_specs, expo_days, expo_slots};
pub use expo::{
    Expo, ExpoDay, ParticipantKind, RequestStatus, SampleParticipant, SampleRequest, SampleRoom, SampleSlot,
};
pub use forum::forum_look_alike;
pub use late::{LateChanges, LateError, LateSpec, late_changes};
pub use requests::MAX_MEETING_SEATS;
pub use rooms::equipped_room_count;
pub use spec::{PRESETS, SampleSpec, SpecError};
