//! The languages participants read rendezvous in: French (the expo's), English and Arabic
//! (right to left). Messages live in `src/web/locales/*/main.ftl` (Project Fluent), compiled
//! into the binary; the pages, the calendars and the messages sent to participants all say
//! their texts through here, never as strings in code. Also the dates and times of the
//! event, in its time zone, as each language writes them.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

static_loader! {
    static LOCALES = {
        locales: "./src/web/locales",
        fallback_language: "fr",
        // Pages are HTML with `dir` set: Unicode isolation marks would only get in the way.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
    Ar,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::En, Lang::Ar];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Fr => langid!("fr"),
            Lang::En => langid!("en"),
            Lang::Ar => langid!("ar"),
        }
    }

    /// The message `key`.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(&self.id(), key)
    }

    /// The message `key`, if this language or French has it.
    pub fn try_t(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(&self.id(), key)
    }

    /// The message `key` with named arguments.
    pub fn ta(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
            .collect();
        LOCALES.lookup_with_args(&self.id(), key, &args)
    }

    /// The first supported language of an `Accept-Language` header, by weight; French when
    /// none is.
    pub fn negotiate(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary)
                && weight > 0.0
                && best.is_none_or(|(w, _)| weight > w)
            {
                best = Some((weight, lang));
            }
        }
        best.map_or(Lang::Fr, |(_, lang)| lang)
    }
}

/// The message ids a language's file defines itself (no fallback), for tests.
#[cfg(test)]
pub(crate) fn message_ids(lang: Lang) -> std::collections::BTreeSet<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/web/locales")
        .join(lang.code())
        .join("main.ftl");
    std::fs::read_to_string(path)
        .expect("locale file")
        .lines()
        .filter_map(|line| line.split_once(" ="))
        .map(|(id, _)| id)
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(String::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_heaviest_supported() {
        assert_eq!(Lang::negotiate("th-TH, en;q=0.8, ar;q=0.9"), Lang::Ar);
        assert_eq!(Lang::negotiate("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(Lang::negotiate("de, th"), Lang::Fr);
        assert_eq!(Lang::negotiate(""), Lang::Fr);
    }

    /// Every message key written as a literal in the code (`t("…")`, `ta("…"`), in every
    /// language: a missing one would show its key to a participant.
    #[test]
    fn every_key_in_the_code_is_in_every_language() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(&path).expect("source"));
                }
            }
        }
        let mut texts = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut texts,
        );
        let mut keys = std::collections::BTreeSet::new();
        for text in &texts {
            for call in [".t(\"", ".ta(\n", ".ta(\""] {
                for (at, _) in text.match_indices(call) {
                    let rest = text[at + call.len()..].trim_start().trim_start_matches('"');
                    let key: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    if !key.is_empty() && rest[key.len()..].starts_with('"') {
                        keys.insert(key);
                    }
                }
            }
        }
        assert!(keys.len() > 50, "found the keys: {keys:?}");
        for lang in Lang::ALL {
            let ids = message_ids(lang);
            for key in &keys {
                assert!(ids.contains(key), "{lang:?} has no message {key}");
            }
        }
    }

    /// The languages say the same messages (a missing one would fall back to French).
    #[test]
    fn the_languages_have_the_same_messages() {
        let french = message_ids(Lang::Fr);
        for lang in [Lang::En, Lang::Ar] {
            let ids = message_ids(lang);
            assert_eq!(
                french.symmetric_difference(&ids).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "{lang:?}"
            );
        }
    }

    #[test]
    fn every_language_has_the_messages() {
        for lang in Lang::ALL {
            assert_ne!(lang.t("nav-home"), "nav-home", "{lang:?}");
        }
        assert_eq!(Lang::Ar.dir(), "rtl");
    }
}
