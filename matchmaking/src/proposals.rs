//! Auto-proposals: meetings proposed (as pending requests with reasons) for the quiet
//! participants, from their suggestions.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::index::Index;
use crate::model::{Boost, MatchError, SuggestQuery};

/// A participant considered for auto-proposals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuietParticipant {
    /// Its id.
    pub id: String,
    /// How many meetings it requested already.
    pub requested: usize,
    /// Whom not to propose (same rules as [`SuggestQuery::exclude`]).
    #[serde(default)]
    pub exclude: HashSet<String>,
}

/// Settings of one auto-proposal run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposalSettings {
    /// Participants who requested fewer than this get proposals up to this many.
    pub target_requests: usize,
    /// Most new proposals addressed to one invitee in this run, so popular participants are
    /// not flooded.
    pub max_per_invitee: usize,
    /// Organiser boosts, as in suggestions.
    #[serde(default)]
    pub boosts: Vec<Boost>,
}

/// A proposed meeting request from `requester` to `invitee`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    /// Who the request is made for.
    pub requester: String,
    /// Who is invited.
    pub invitee: String,
    /// The suggestion score.
    pub score: f64,
    /// Why, to show both sides.
    pub reasons: Vec<crate::Reason>,
}

/// Proposals for every participant that requested fewer than `settings.target_requests`,
/// taken from its suggestions in order. A pair is proposed at most once, in either
/// direction, and no invitee gets more than `settings.max_per_invitee`.
pub fn auto_proposals(
    index: &Index,
    participants: &[QuietParticipant],
    settings: &ProposalSettings,
) -> Result<Vec<Proposal>, MatchError> {
    let mut proposals = Vec::new();
    let mut paired: HashSet<(String, String)> = HashSet::new();
    let mut per_invitee: HashMap<String, usize> = HashMap::new();
    for participant in participants {
        let wanted = settings.target_requests.saturating_sub(participant.requested);
        if wanted == 0 || index.get(&participant.id).is_none() {
            continue;
        }
        let query = SuggestQuery {
            limit: (wanted * 3).clamp(1, crate::model::MAX_LIMIT),
            exclude: participant.exclude.clone(),
            boosts: settings.boosts.clone(),
        };
        let mut made = 0;
        for suggestion in index.suggest(&participant.id, &query)? {
            if made == wanted {
                break;
            }
            let invitee_load = per_invitee.get(&suggestion.id).copied().unwrap_or(0);
            let pair = ordered_pair(&participant.id, &suggestion.id);
            if invitee_load >= settings.max_per_invitee || paired.contains(&pair) {
                continue;
            }
            paired.insert(pair);
            per_invitee.insert(suggestion.id.clone(), invitee_load + 1);
            proposals.push(Proposal {
                requester: participant.id.clone(),
                invitee: suggestion.id,
                score: suggestion.score,
                reasons: suggestion.reasons,
            });
            made += 1;
        }
    }
    Ok(proposals)
}

fn ordered_pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}
