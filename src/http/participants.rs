//! Participants: registration (one at a time or by CSV), the directory, profiles.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::auth::Caller;
use super::error::{ApiError, ApiResult, Problem};
use super::json::Json;
use crate::domain::ids::new_id;
use crate::domain::ids::{hash_token, new_participant_token};
use crate::domain::{EventSpec, Invalid, ParticipantKind, labels, text};
use crate::profiles::{self, ProfileChange, check_max_meetings, check_size, country, optional_text};
use crate::state::AppState;
use crate::store::Participant;

/// Most rows in one CSV import.
const MAX_IMPORT_ROWS: usize = 5000;

/// `POST /events/{event}/participants`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateParticipant {
    pub name: String,
    pub kind: ParticipantKind,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2, as `MA` or `TH`.
    #[serde(default)]
    pub country: Option<String>,
    /// Seats the participant takes at a table (a delegation: its members), 1–100.
    #[serde(default = "one")]
    pub size: u32,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub offers: Vec<String>,
    #[serde(default)]
    pub seeks: Vec<String>,
    /// At most this many meetings in total (none: no limit).
    #[serde(default)]
    pub max_meetings: Option<u32>,
    /// Slot ids in which the participant cannot meet.
    #[serde(default)]
    pub unavailable: Vec<String>,
}

fn one() -> u32 {
    1
}

/// `PATCH /events/{event}/participants/{id}`: only the fields given change; `null` clears
/// an optional field. `kind`, `size` and `max_meetings` are the organiser's to change.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateParticipant {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub kind: Option<ParticipantKind>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub organization: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub country: Option<Option<String>>,
    #[serde(default)]
    pub size: Option<u32>,
    #[serde(default)]
    pub languages: Option<Vec<String>>,
    #[serde(default)]
    pub topics: Option<Vec<String>>,
    #[serde(default)]
    pub offers: Option<Vec<String>>,
    #[serde(default)]
    pub seeks: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>)]
    pub max_meetings: Option<Option<u32>>,
    #[serde(default)]
    pub unavailable: Option<Vec<String>>,
}

/// A field that is present (maybe `null`) becomes `Some(..)`; an absent one stays `None`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// What everyone in the event may see of a participant.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DirectoryEntry {
    pub id: String,
    pub name: String,
    pub kind: ParticipantKind,
    pub organization: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub size: u32,
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub offers: Vec<String>,
    pub seeks: Vec<String>,
}

/// A participant's whole profile (the participant itself and the organiser).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ParticipantView {
    #[serde(flatten)]
    pub public: DirectoryEntry,
    pub max_meetings: Option<u32>,
    pub unavailable: Vec<String>,
}

/// A registration: the token is shown this once.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Registered {
    pub id: String,
    /// The participant's bearer token. Only its hash is kept: it cannot be shown again.
    pub token: String,
    pub participant: ParticipantView,
}

/// One imported CSV row.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportedRow {
    /// 1-based data row (the header is row 0).
    pub row: usize,
    pub id: String,
    pub name: String,
    pub token: String,
}

/// The import report: every row was registered.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub created: usize,
    pub rows: Vec<ImportedRow>,
}

impl From<&Participant> for DirectoryEntry {
    fn from(p: &Participant) -> Self {
        Self {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind,
            organization: p.organization.clone(),
            city: p.city.clone(),
            country: p.country.clone(),
            size: p.size,
            languages: p.languages.clone(),
            topics: p.topics.clone(),
            offers: p.offers.clone(),
            seeks: p.seeks.clone(),
        }
    }
}

impl From<&Participant> for ParticipantView {
    fn from(p: &Participant) -> Self {
        Self {
            public: p.into(),
            max_meetings: p.max_meetings,
            unavailable: p.unavailable.clone(),
        }
    }
}

/// Validates a registration; `at` prefixes every pointer (for CSV rows).
fn validate(
    input: &CreateParticipant,
    event: &str,
    spec: &EventSpec,
    at: &str,
    errors: &mut Invalid,
) -> Participant {
    let name = text(&input.name, 200, &format!("{at}/name"), errors);
    check_size(input.size, &format!("{at}/size"), errors);
    check_max_meetings(input.max_meetings, &format!("{at}/max_meetings"), errors);
    Participant {
        id: new_id("p"),
        event_id: event.to_string(),
        name,
        kind: input.kind,
        organization: optional_text(
            input.organization.as_deref(),
            200,
            &format!("{at}/organization"),
            errors,
        ),
        city: optional_text(input.city.as_deref(), 200, &format!("{at}/city"), errors),
        country: country(input.country.as_deref(), &format!("{at}/country"), errors),
        size: input.size,
        languages: labels(&input.languages, &format!("{at}/languages"), errors),
        topics: labels(&input.topics, &format!("{at}/topics"), errors),
        offers: labels(&input.offers, &format!("{at}/offers"), errors),
        seeks: labels(&input.seeks, &format!("{at}/seeks"), errors),
        max_meetings: input.max_meetings,
        unavailable: spec.slot_ids(&input.unavailable, &format!("{at}/unavailable"), errors),
    }
}

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_participant, directory))
        .routes(routes!(import_participants))
        .routes(routes!(get_participant, update_participant))
}

/// Registers a participant (organiser). The response holds its token, shown this once.
#[utoipa::path(post, path = "/events/{event}/participants", tag = "participants", params(("event" = String, Path)),
    request_body = CreateParticipant,
    responses((status = 201, body = Registered), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_participant(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    Json(body): Json<CreateParticipant>,
) -> ApiResult<(StatusCode, axum::Json<Registered>)> {
    caller.organiser()?;
    let spec = state.store.event(&event).await?.spec()?;
    let mut errors = Invalid::default();
    let participant = validate(&body, &event, &spec, "", &mut errors);
    let participant = errors.into_result(participant)?;
    let token = new_participant_token();
    state
        .store
        .create_participants(&[(participant.clone(), hash_token(&token))])
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Registered {
            id: participant.id.clone(),
            token,
            participant: (&participant).into(),
        }),
    ))
}

/// Splits a CSV list cell: `a;b; c` → `["a", "b", "c"]`.
fn list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Reads one CSV row into a registration, naming bad cells.
fn csv_row(
    headers: &[String],
    record: &csv::StringRecord,
    at: &str,
    errors: &mut Invalid,
) -> Option<CreateParticipant> {
    let mut input = CreateParticipant {
        size: 1,
        ..CreateParticipant::default()
    };
    let mut kind = None;
    for (header, cell) in headers.iter().zip(record.iter()) {
        let pointer = format!("{at}/{header}");
        let cell = cell.trim();
        let number = |errors: &mut Invalid| -> Option<u32> {
            match cell.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(&pointer, format!("{cell:?} is not a whole number"));
                    None
                }
            }
        };
        let text = || (!cell.is_empty()).then(|| cell.to_string());
        match header.as_str() {
            "name" => input.name = cell.to_string(),
            "kind" => match ParticipantKind::parse(cell) {
                Some(k) => kind = Some(k),
                None => errors.push(pointer, "one of delegation, company, researcher, institution"),
            },
            "organization" => input.organization = text(),
            "city" => input.city = text(),
            "country" => input.country = text(),
            "size" if !cell.is_empty() => input.size = number(errors).unwrap_or(1),
            "size" => {}
            "max_meetings" if !cell.is_empty() => input.max_meetings = number(errors),
            "max_meetings" => {}
            "languages" => input.languages = list(cell),
            "topics" => input.topics = list(cell),
            "offers" => input.offers = list(cell),
            "seeks" => input.seeks = list(cell),
            "unavailable" => input.unavailable = list(cell),
            _ => {}
        }
    }
    input.kind = kind?;
    Some(input)
}

const CSV_FIELDS: [&str; 13] = [
    "name",
    "kind",
    "organization",
    "city",
    "country",
    "size",
    "languages",
    "topics",
    "offers",
    "seeks",
    "max_meetings",
    "unavailable",
    // Accepted and ignored, so that an export of the directory can be re-imported.
    "id",
];

/// Registers participants from CSV (organiser): a header row with the registration's field
/// names, list cells separated by `;`. All rows or none: any bad cell is a 422 naming
/// `/rows/<data row>/<field>` and nothing is registered.
#[utoipa::path(post, path = "/events/{event}/participants/import", tag = "participants",
    params(("event" = String, Path)),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportReport), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn import_participants(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, axum::Json<ImportReport>)> {
    caller.organiser()?;
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/csv"))
        });
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType(
            "expected Content-Type: text/csv".into(),
        ));
    }
    let spec = state.store.event(&event).await?.spec()?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body.as_ref());
    let header_row: Vec<String> = reader
        .headers()
        .map_err(|e| ApiError::field("/header", format!("unreadable header row: {e}")))?
        .iter()
        .map(String::from)
        .collect();
    let mut errors = Invalid::default();
    for (i, h) in header_row.iter().enumerate() {
        if !CSV_FIELDS.contains(&h.as_str()) {
            errors.push(format!("/header/{i}"), format!("unknown column {h:?}"));
        }
        if header_row[..i].contains(h) {
            errors.push(format!("/header/{i}"), format!("column {h:?} appears twice"));
        }
    }
    for required in ["name", "kind"] {
        if !header_row.iter().any(|h| h == required) {
            errors.push("/header", format!("missing column {required:?}"));
        }
    }
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    let mut registered = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 1;
        let at = format!("/rows/{row}");
        if row > MAX_IMPORT_ROWS {
            errors.push("/rows", format!("at most {MAX_IMPORT_ROWS} rows per import"));
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(at, format!("unreadable row: {e}"));
                continue;
            }
        };
        if let Some(input) = csv_row(&header_row, &record, &at, &mut errors) {
            registered.push((row, validate(&input, &event, &spec, &at, &mut errors)));
        }
    }
    if registered.is_empty() && errors.0.is_empty() {
        errors.push("/rows", "no rows to import");
    }
    let registered = errors.into_result(registered)?;
    let with_tokens: Vec<(usize, Participant, String)> = registered
        .into_iter()
        .map(|(row, p)| (row, p, new_participant_token()))
        .collect();
    let to_store: Vec<(Participant, String)> = with_tokens
        .iter()
        .map(|(_, p, t)| (p.clone(), hash_token(t)))
        .collect();
    state.store.create_participants(&to_store).await?;
    let rows: Vec<ImportedRow> = with_tokens
        .into_iter()
        .map(|(row, p, token)| ImportedRow {
            row,
            id: p.id,
            name: p.name,
            token,
        })
        .collect();
    Ok((
        StatusCode::CREATED,
        axum::Json(ImportReport {
            created: rows.len(),
            rows,
        }),
    ))
}

/// The directory: every participant's public profile (organiser, or a participant of the
/// event).
#[utoipa::path(get, path = "/events/{event}/participants", tag = "participants", params(("event" = String, Path)),
    responses((status = 200, body = Vec<DirectoryEntry>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn directory(
    State(state): State<AppState>,
    caller: Caller,
    Path(event): Path<String>,
) -> ApiResult<axum::Json<Vec<DirectoryEntry>>> {
    caller.in_event(&event)?;
    state.store.event(&event).await?;
    let all = state.store.participants(&event).await?;
    Ok(axum::Json(all.iter().map(DirectoryEntry::from).collect()))
}

/// A participant's whole profile (the participant itself, or the organiser).
#[utoipa::path(get, path = "/events/{event}/participants/{id}", tag = "participants",
    params(("event" = String, Path), ("id" = String, Path)),
    responses((status = 200, body = ParticipantView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_participant(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<ParticipantView>> {
    caller.organiser_or_self(&event, &id)?;
    let participant = state.store.participant(&event, &id).await?;
    Ok(axum::Json((&participant).into()))
}

/// Changes a profile (the participant itself, or the organiser).
#[utoipa::path(patch, path = "/events/{event}/participants/{id}", tag = "participants",
    params(("event" = String, Path), ("id" = String, Path)), request_body = UpdateParticipant,
    responses((status = 200, body = ParticipantView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_participant(
    State(state): State<AppState>,
    caller: Caller,
    Path((event, id)): Path<(String, String)>,
    Json(body): Json<UpdateParticipant>,
) -> ApiResult<axum::Json<ParticipantView>> {
    caller.organiser_or_self(&event, &id)?;
    let change = ProfileChange {
        name: body.name,
        kind: body.kind,
        organization: body.organization,
        city: body.city,
        country: body.country,
        size: body.size,
        languages: body.languages,
        topics: body.topics,
        offers: body.offers,
        seeks: body.seeks,
        max_meetings: body.max_meetings,
        unavailable: body.unavailable,
    };
    if matches!(caller, Caller::Participant(_))
        && let Some(field) = profiles::organiser_only(&change)
    {
        return Err(ApiError::forbidden(format!(
            "only the organiser may change {field}"
        )));
    }
    let p = profiles::update(state.store.as_ref(), &event, &id, change).await?;
    Ok(axum::Json((&p).into()))
}
