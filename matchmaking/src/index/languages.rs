//! Spoken languages: normalising them to ISO 639-1 codes, compatibility, and their names.

use crate::text::fold;

/// Unknown languages (an empty list) are not held against anyone.
pub(super) fn languages_compatible(a: &[String], b: &[String]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|l| b.contains(l))
}

/// Languages as lower-case ISO 639-1 codes: `en-GB` → `en`, `Français` → `fr`.
pub(super) fn normalized_languages(languages: &[String]) -> Vec<String> {
    let mut codes: Vec<String> = languages
        .iter()
        .map(|l| {
            let folded = fold(l.trim());
            let primary = folded.split(['-', '_']).next().unwrap_or_default().to_string();
            LANGUAGE_NAMES
                .iter()
                .find(|(_, names)| names.contains(&primary.as_str()))
                .map_or(primary, |(code, _)| (*code).to_string())
        })
        .filter(|code| !code.is_empty())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// ISO 639-1 code → English name first, then other spellings accepted as input (folded).
const LANGUAGE_NAMES: &[(&str, &[&str])] = &[
    ("en", &["English", "english", "anglais"]),
    ("fr", &["French", "french", "francais"]),
    ("ar", &["Arabic", "arabic", "arabe"]),
    ("es", &["Spanish", "spanish", "espagnol"]),
    ("de", &["German", "german", "allemand"]),
    ("pt", &["Portuguese", "portuguese", "portugais"]),
    ("it", &["Italian", "italian", "italien"]),
    ("th", &["Thai", "thai"]),
    ("vi", &["Vietnamese", "vietnamese", "vietnamien"]),
    ("id", &["Indonesian", "indonesian", "indonesien"]),
    ("ms", &["Malay", "malay", "malais"]),
    ("tl", &["Filipino", "filipino", "tagalog"]),
    ("km", &["Khmer", "khmer"]),
    ("lo", &["Lao", "lao"]),
    ("my", &["Burmese", "burmese", "birman"]),
    ("zh", &["Chinese", "chinese", "chinois"]),
    ("ja", &["Japanese", "japanese", "japonais"]),
    ("ko", &["Korean", "korean", "coreen"]),
    ("nl", &["Dutch", "dutch", "neerlandais"]),
    ("ru", &["Russian", "russian", "russe"]),
    ("tr", &["Turkish", "turkish", "turc"]),
    ("zgh", &["Amazigh", "amazigh", "tamazight", "berber", "berbere"]),
];

pub(crate) fn language_name(code: &str) -> &str {
    LANGUAGE_NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, names)| names[0])
}
