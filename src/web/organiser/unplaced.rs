//! Why the solver left a meeting out, said in the page's language from its typed reason
//! (participants by name). A run stored before reasons were typed keeps its English words.

use rendezvous_solver::Unplaced;

use crate::board::{Board, Left};
use crate::i18n::Lang;
use crate::web::reasons::list;

/// The reason `left` is not on the board, in `lang`.
pub fn say(lang: Lang, board: &Board, left: &Left) -> String {
    let names = |ids: &[String]| {
        let names: Vec<String> = ids.iter().map(|id| board.name(id).to_string()).collect();
        list(lang, &names)
    };
    match &left.cause {
        Some(Unplaced::NoRoom { seats, features }) if features.is_empty() => {
            lang.ta("unplaced-no-room", &[("seats", seats.to_string())])
        }
        Some(Unplaced::NoRoom { seats, features }) => lang.ta(
            "unplaced-no-room-features",
            &[("seats", seats.to_string()), ("features", list(lang, features))],
        ),
        Some(Unplaced::NoCommonSlot { participants }) => {
            lang.ta("unplaced-no-common-slot", &[("names", names(participants))])
        }
        Some(Unplaced::NoRoomWhenFree { participants }) => {
            lang.ta("unplaced-no-room-when-free", &[("names", names(participants))])
        }
        Some(Unplaced::PinCannotBeHonoured) => lang.t("unplaced-pin-cannot-be-honoured"),
        Some(Unplaced::ParticipantFull {
            participant,
            max_meetings,
        }) => lang.ta(
            "unplaced-participant-full",
            &[
                ("name", board.name(participant).to_string()),
                ("max", max_meetings.to_string()),
            ],
        ),
        Some(Unplaced::SlotsTaken { participants }) => {
            lang.ta("unplaced-slots-taken", &[("names", names(participants))])
        }
        Some(Unplaced::NotWorthIt) => lang.t("unplaced-not-worth-it"),
        Some(Unplaced::Unproved) => lang.t("unplaced-unproved"),
        // The detail names the pins and the rule in the solver's words (ids, English).
        Some(Unplaced::PinContradicts { detail }) => {
            lang.ta("unplaced-pin-contradicts", &[("detail", detail.clone())])
        }
        Some(Unplaced::OtherPinsContradict) => lang.t("unplaced-other-pins-contradict"),
        None => match &left.reason {
            Some(reason) => lang.ta("unplaced-untyped", &[("reason", reason.clone())]),
            None => lang.t("unplaced-not-live"),
        },
    }
}
