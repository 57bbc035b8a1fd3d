//! Registrations from a CSV file: a header row with the registration's field names, list
//! cells separated by `;`. All rows or none: every bad cell is named as
//! `/rows/<data row>/<field>` (the header is row 0).

use super::contact::Language;
use super::participant::{CreateParticipant, ParticipantKind, Profile};
use super::{EventSpec, Invalid};

/// Most rows in one import.
pub const MAX_IMPORT_ROWS: usize = 5000;

/// Every row as a checked profile, with its 1-based data row; or every broken rule.
pub fn parse(body: &[u8], spec: &EventSpec) -> Result<Vec<(usize, Profile)>, Invalid> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(body);
    let header_row: Vec<String> = reader
        .headers()
        .map_err(|e| Invalid::one("/header", format!("unreadable header row: {e}")))?
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
        return Err(errors);
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
            registered.push((row, input.parse(spec, &at, &mut errors)));
        }
    }
    if registered.is_empty() && errors.0.is_empty() {
        errors.push("/rows", "no rows to import");
    }
    errors.into_result(registered)
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
            "email" => input.email = text(),
            "language" if !cell.is_empty() => input.language = Language::parse_field(cell, &pointer, errors),
            "language" => {}
            _ => {}
        }
    }
    input.kind = kind?;
    Some(input)
}

const CSV_FIELDS: [&str; 15] = [
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
    "email",
    "language",
    // Accepted and ignored, so that an export of the directory can be re-imported.
    "id",
];
