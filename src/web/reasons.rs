//! Why a participant is suggested, said in the page's language from the engine's structured
//! reasons (the words quoted are the participants' own).

use rendezvous_matchmaking::{BoostTarget, Reason};

use crate::i18n::Lang;

/// A list as the language writes it: "a, b and c".
pub(crate) fn list(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [first, second] => lang.ta(
            "list-two",
            &[("first", first.clone()), ("second", second.clone())],
        ),
        [first, rest @ ..] => lang.ta(
            "list-more",
            &[("first", first.clone()), ("rest", list(lang, rest))],
        ),
    }
}

/// A spoken language's name (its ISO 639-1 code when the pages do not know it).
fn language(lang: Lang, code: &str) -> String {
    lang.try_t(&format!("spoken-{code}"))
        .unwrap_or_else(|| code.to_string())
}

/// One reason, in `lang`.
pub fn say(lang: Lang, reason: &Reason) -> String {
    match reason {
        Reason::TheyOffer { name, seek, offer } => lang.ta(
            "reason-they-offer",
            &[
                ("name", name.clone()),
                ("seek", seek.clone()),
                ("offer", offer.clone()),
            ],
        ),
        Reason::TheySeek { name, seek, offer } => lang.ta(
            "reason-they-seek",
            &[
                ("name", name.clone()),
                ("seek", seek.clone()),
                ("offer", offer.clone()),
            ],
        ),
        Reason::SharedTopics { topics } => lang.ta("reason-shared-topics", &[("topics", list(lang, topics))]),
        Reason::SharedLanguages { languages } => {
            let names: Vec<String> = languages.iter().map(|code| language(lang, code)).collect();
            lang.ta("reason-shared-languages", &[("languages", list(lang, &names))])
        }
        Reason::NoCommonLanguage => lang.t("reason-no-common-language"),
        Reason::Highlighted { target } => match target {
            Some(BoostTarget::Group(value)) => {
                lang.ta("reason-highlighted-group", &[("value", value.clone())])
            }
            Some(BoostTarget::City(value)) => lang.ta("reason-highlighted-city", &[("value", value.clone())]),
            Some(BoostTarget::Country(value)) => {
                lang.ta("reason-highlighted-country", &[("value", value.clone())])
            }
            Some(BoostTarget::Kind(kind)) => lang.ta(
                "reason-highlighted-kind",
                &[("value", lang.t(&format!("kind-{kind}")))],
            ),
            Some(BoostTarget::Participant(_)) | None => lang.t("reason-highlighted"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_said_in_each_language() {
        let shared = Reason::SharedLanguages {
            languages: vec!["ar".into(), "en".into(), "th".into()],
        };
        assert_eq!(say(Lang::En, &shared), "you both speak Arabic, English and Thai");
        assert_eq!(
            say(Lang::Fr, &shared),
            "vous parlez tous deux arabe, anglais et thaï"
        );
        let offer = Reason::TheyOffer {
            name: "HydroSense".into(),
            seek: "flood sensors".into(),
            offer: "capteurs".into(),
        };
        assert_eq!(
            say(Lang::Fr, &offer),
            "vous recherchez « flood sensors » ; HydroSense propose « capteurs »"
        );
        let kind = Reason::Highlighted {
            target: Some(BoostTarget::Kind("delegation".into())),
        };
        assert_eq!(say(Lang::En, &kind), "highlighted by the organisers: Delegation");
        for lang in Lang::ALL {
            assert!(!say(lang, &Reason::NoCommonLanguage).contains("reason-"));
        }
    }
}
