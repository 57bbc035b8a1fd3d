//! Organiser boosts: promote (or demote) a kind of participant, a city, a country or one
//! participant in everyone's recommendations, as the guest of honour's city ×1.5.

use axum::extract::State;

use super::extract::Path;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiResult, Problem};
use super::json::Json;
use crate::domain::matchmaking::{BoostRule, BoostTarget, MAX_BOOSTS, MAX_FACTOR};
use crate::domain::{Invalid, ParticipantKind};
use crate::state::AppState;

/// What a boost applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BoostTargetName {
    /// Every participant of a kind (`value`: delegation, company, researcher, institution).
    Kind,
    /// Participants from a city (`value`: as written in profiles; case and accents ignored).
    City,
    /// Participants from a country (`value`: ISO 3166-1 alpha-2, as TH).
    Country,
    /// One participant (`value`: its id).
    Participant,
}

/// One boost: the score of matching participants is multiplied by `factor`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BoostDoc {
    pub target: BoostTargetName,
    pub value: String,
    /// Above 1 promotes, below 1 demotes; more than 0, at most 10.
    #[schema(exclusive_minimum = 0, maximum = 10)]
    pub factor: f64,
}

/// An event's boosts; they apply in order and their factors multiply.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Boosts {
    pub boosts: Vec<BoostDoc>,
}

impl From<&BoostRule> for BoostDoc {
    fn from(rule: &BoostRule) -> Self {
        let target = match rule.target {
            BoostTarget::Kind(_) => BoostTargetName::Kind,
            BoostTarget::City(_) => BoostTargetName::City,
            BoostTarget::Country(_) => BoostTargetName::Country,
            BoostTarget::Participant(_) => BoostTargetName::Participant,
        };
        Self {
            target,
            value: rule.target.value().to_string(),
            factor: rule.factor,
        }
    }
}

/// Parses the boosts of a PUT; `participant_exists` says whether an id is in the event.
fn parse(body: &Boosts, participant_exists: impl Fn(&str) -> bool) -> Result<Vec<BoostRule>, Invalid> {
    let mut errors = Invalid::default();
    if body.boosts.len() > MAX_BOOSTS {
        errors.push("/boosts", format!("at most {MAX_BOOSTS} boosts"));
    }
    let mut rules = Vec::with_capacity(body.boosts.len());
    for (i, boost) in body.boosts.iter().enumerate() {
        let at = format!("/boosts/{i}");
        let value = boost.value.trim();
        let target = match boost.target {
            BoostTargetName::Kind => ParticipantKind::parse(value)
                .map(BoostTarget::Kind)
                .ok_or("one of delegation, company, researcher, institution"),
            BoostTargetName::City
                if value.is_empty()
                    || value.chars().count() > 200
                    || crate::domain::text::control_in_line(value).is_some() =>
            {
                Err("a city name of 1 to 200 characters on one line")
            }
            BoostTargetName::City => Ok(BoostTarget::City(value.to_string())),
            BoostTargetName::Country if value.len() == 2 && value.bytes().all(|b| b.is_ascii_uppercase()) => {
                Ok(BoostTarget::Country(value.to_string()))
            }
            BoostTargetName::Country => Err("an ISO 3166-1 alpha-2 code, as TH"),
            BoostTargetName::Participant if participant_exists(value) => {
                Ok(BoostTarget::Participant(value.to_string()))
            }
            BoostTargetName::Participant => Err("no such participant in this event"),
        };
        if !(boost.factor.is_finite() && boost.factor > 0.0 && boost.factor <= MAX_FACTOR) {
            errors.push(
                format!("{at}/factor"),
                format!("more than 0 and at most {MAX_FACTOR}"),
            );
        }
        match target {
            Ok(target) => rules.push(BoostRule {
                target,
                factor: boost.factor,
            }),
            Err(detail) => errors.push(format!("{at}/value"), detail),
        }
    }
    errors.into_result(rules)
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_boosts, set_boosts))
}

/// The event's boosts (organiser).
#[utoipa::path(get, path = "/events/{event}/boosts", tag = "matchmaking", params(("event" = String, Path)),
    responses((status = 200, body = Boosts), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
async fn get_boosts(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<axum::Json<Boosts>> {
    caller.organiser()?;
    state.store.event(&event).await?;
    let rules = state.store.boosts(&event).await?;
    Ok(axum::Json(Boosts {
        boosts: rules.iter().map(BoostDoc::from).collect(),
    }))
}

/// Replaces the event's boosts (organiser); they apply to every recommendation and
/// auto-proposal from now on.
#[utoipa::path(put, path = "/events/{event}/boosts", tag = "matchmaking", params(("event" = String, Path)),
    request_body = Boosts,
    responses((status = 200, body = Boosts), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn set_boosts(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Json(body): Json<Boosts>,
) -> ApiResult<axum::Json<Boosts>> {
    caller.organiser()?;
    state.store.event(&event).await?;
    let ids: std::collections::HashSet<String> = if body
        .boosts
        .iter()
        .any(|b| b.target == BoostTargetName::Participant)
    {
        state
            .store
            .participants(&event)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect()
    } else {
        Default::default()
    };
    let rules = parse(&body, |id| ids.contains(id))?;
    state.store.set_boosts(&event, &rules).await?;
    Ok(axum::Json(Boosts {
        boosts: rules.iter().map(BoostDoc::from).collect(),
    }))
}
