//! The messages' words in French, English and Arabic: Project Fluent files in
//! `src/notify/locales/*/mail.ftl`, compiled into the binary.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

use crate::domain::Language;

static_loader! {
    static MAIL = {
        locales: "./src/notify/locales",
        fallback_language: "fr",
        // Mail clients get `dir` on the HTML and plain text as is: no isolation marks.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn id(lang: Language) -> LanguageIdentifier {
    match lang {
        Language::Fr => langid!("fr"),
        Language::En => langid!("en"),
        Language::Ar => langid!("ar"),
    }
}

/// The message `key` in `lang`, with named arguments.
pub fn t(lang: Language, key: &str, args: &[(&'static str, &str)]) -> String {
    if args.is_empty() {
        return MAIL.lookup(&id(lang), key);
    }
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.to_string())))
        .collect();
    MAIL.lookup_with_args(&id(lang), key, &args)
}

/// Whether the language is written right to left.
pub fn rtl(lang: Language) -> bool {
    lang == Language::Ar
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message of the English file exists in the others, so no language falls back.
    #[test]
    fn every_language_has_every_message() {
        let keys: Vec<&str> = include_str!("locales/en/mail.ftl")
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim()))
            .collect();
        assert!(keys.len() > 30);
        for (lang, text) in [
            (Language::Fr, include_str!("locales/fr/mail.ftl")),
            (Language::Ar, include_str!("locales/ar/mail.ftl")),
        ] {
            for key in &keys {
                assert!(
                    text.lines().any(|l| l.starts_with(&format!("{key} = "))),
                    "{key} missing in {lang:?}"
                );
            }
        }
        assert_eq!(t(Language::En, "greeting", &[("name", "Amina")]), "Hello Amina,");
        assert_eq!(t(Language::Ar, "greeting", &[("name", "Amina")]), "مرحبًا Amina،");
    }
}
