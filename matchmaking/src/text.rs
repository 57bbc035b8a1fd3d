//! Text analysis for French and English profile text: accent folding, tokenising, stop words,
//! Snowball stemming, and the bilingual concept table.
//!
//! Every phrase becomes a list of index terms: a concept term (`#flood`) when the words are
//! in the concept table, otherwise the word's stem. A multi-word concept is one term
//! (`open data` → `#open_data`), so a concept weighs the same however many words it takes.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::concepts::{BROADER, CONCEPTS};

/// The two languages profile text is analysed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
}

impl Lang {
    fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Fr,
            Lang::Fr => Lang::En,
        }
    }
}

/// Short words that stop lists drop but that carry meaning here (`AI`, `IA`, `EV`, `PV`).
const KEEP_WORDS: &[&str] = &["ai", "ia", "ev", "pv", "iot", "5g"];

/// Words that say how, not what: every offer "provides" and every seek "needs" something.
const DOMAIN_STOP_WORDS: &[&str] = &[
    "need",
    "needs",
    "looking",
    "look",
    "seek",
    "seeking",
    "want",
    "provide",
    "provides",
    "providing",
    "offer",
    "offers",
    "offering",
    "service",
    "services",
    "solution",
    "solutions",
    "besoin",
    "besoins",
    "recherche",
    "recherchons",
    "cherchons",
    "cherche",
    "proposons",
    "propose",
    "proposer",
    "offrons",
    "offre",
    "offrir",
];

/// Longest concept phrase, in content words.
const MAX_CONCEPT_WORDS: usize = 4;

/// Lower-cases and removes accents (`Écl­airage` → `eclairage`), ligatures included.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Words of a folded text: runs of letters and digits. Single characters are dropped: they are
/// French elisions (`d'`, `l'`) or noise.
fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
}

fn has_french_accent(text: &str) -> bool {
    text.chars().any(|c| "éèêëàâçùûüôîïœÉÈÊÀÇ".contains(c))
}

/// Stop words, stemmers and the concept table, built once.
pub(crate) struct Analyzer {
    english: Stemmer,
    french: Stemmer,
    stop_words: HashSet<String>,
    /// Stop words and concept words that only one language has: cheap language evidence.
    english_markers: HashSet<String>,
    french_markers: HashSet<String>,
    /// Stemmed concept phrase (stems joined by a space) → concept term (`#flood`).
    concepts: HashMap<String, String>,
    /// Concept term → the broader concept term it implies.
    broader: HashMap<String, String>,
    /// First stems of all concept phrases: most words start none, and skip the lookups.
    concept_starts: HashSet<String>,
}

static ANALYZER: LazyLock<Analyzer> = LazyLock::new(Analyzer::build);

pub(crate) fn analyzer() -> &'static Analyzer {
    &ANALYZER
}

impl Analyzer {
    fn build() -> Analyzer {
        let english_stop: HashSet<String> = stop_words::get("en").iter().map(|w| fold(w)).collect();
        let french_stop: HashSet<String> = stop_words::get("fr").iter().map(|w| fold(w)).collect();
        let keep: HashSet<&str> = KEEP_WORDS.iter().copied().collect();
        let stop_words: HashSet<String> = english_stop
            .union(&french_stop)
            .filter(|w| !keep.contains(w.as_str()))
            .cloned()
            .chain(DOMAIN_STOP_WORDS.iter().map(|w| w.to_string()))
            .collect();

        let english_words: HashSet<String> = CONCEPTS
            .iter()
            .flat_map(|c| c.en.iter())
            .flat_map(|p| words(&fold(p)).map(String::from).collect::<Vec<_>>())
            .collect();
        let french_words: HashSet<String> = CONCEPTS
            .iter()
            .flat_map(|c| c.fr.iter())
            .flat_map(|p| words(&fold(p)).map(String::from).collect::<Vec<_>>())
            .collect();
        let english_markers = english_stop
            .difference(&french_stop)
            .cloned()
            .chain(english_words.difference(&french_words).cloned())
            .collect();
        let french_markers = french_stop
            .difference(&english_stop)
            .cloned()
            .chain(french_words.difference(&english_words).cloned())
            .collect();

        let mut analyzer = Analyzer {
            english: Stemmer::create(Algorithm::English),
            french: Stemmer::create(Algorithm::French),
            stop_words,
            english_markers,
            french_markers,
            concepts: HashMap::new(),
            concept_starts: HashSet::new(),
            broader: BROADER
                .iter()
                .map(|(narrow, broad)| (format!("#{narrow}"), format!("#{broad}")))
                .collect(),
        };
        let mut concepts = HashMap::new();
        for concept in CONCEPTS {
            let term = format!("#{}", concept.name);
            let surfaces = concept
                .en
                .iter()
                .map(|s| (s, Lang::En))
                .chain(concept.fr.iter().map(|s| (s, Lang::Fr)));
            for (surface, lang) in surfaces {
                let folded = fold(surface);
                let stems: Vec<String> = analyzer
                    .content_words(&folded)
                    .map(|w| analyzer.stem(lang, w))
                    .collect();
                debug_assert!(!stems.is_empty() && stems.len() <= MAX_CONCEPT_WORDS, "{surface}");
                concepts.insert(stems.join(" "), term.clone());
            }
        }
        analyzer.concept_starts = concepts
            .keys()
            .map(|key| key.split(' ').next().unwrap_or_default().to_string())
            .collect();
        analyzer.concepts = concepts;
        analyzer
    }

    fn content_words<'t>(&'t self, folded: &'t str) -> impl Iterator<Item = &'t str> + 't {
        words(folded).filter(|w| !self.stop_words.contains(*w))
    }

    fn stem(&self, lang: Lang, word: &str) -> String {
        match lang {
            Lang::En => self.english.stem(word).into_owned(),
            // Snowball French keeps a plural's residue (`menagers` → `menager` but
            // `menager` → `menag`); a second pass makes singular and plural meet.
            Lang::Fr => self.french.stem(&self.french.stem(word)).into_owned(),
        }
    }

    /// Guesses the language of a phrase from accents, language-specific stop words and
    /// concept words; `None` when there is no evidence either way.
    pub(crate) fn detect(&self, text: &str) -> Option<Lang> {
        let folded = fold(text);
        let mut french = usize::from(has_french_accent(text)) * 2;
        let mut english = 0;
        for word in words(&folded) {
            french += usize::from(self.french_markers.contains(word));
            english += usize::from(self.english_markers.contains(word));
        }
        match french.cmp(&english) {
            std::cmp::Ordering::Greater => Some(Lang::Fr),
            std::cmp::Ordering::Less => Some(Lang::En),
            std::cmp::Ordering::Equal => None,
        }
    }

    /// Index terms of one phrase; `fallback` is the language used when the phrase itself
    /// gives no clue.
    pub(crate) fn terms(&self, text: &str, fallback: Lang) -> Vec<String> {
        let lang = self.detect(text).unwrap_or(fallback);
        let folded = fold(text);
        let content: Vec<&str> = self.content_words(&folded).collect();
        let primary: Vec<String> = content.iter().map(|w| self.stem(lang, w)).collect();
        let alternate: Vec<String> = content.iter().map(|w| self.stem(lang.other(), w)).collect();

        let mut terms = Vec::with_capacity(content.len() + 2);
        let mut start = 0;
        while start < content.len() {
            let may_start = self.concept_starts.contains(&primary[start])
                || self.concept_starts.contains(&alternate[start]);
            let longest = if may_start {
                MAX_CONCEPT_WORDS.min(content.len() - start)
            } else {
                0
            };
            let found = (1..=longest).rev().find_map(|len| {
                let span = start..start + len;
                self.concept(&primary[span.clone()])
                    .or_else(|| self.concept(&alternate[span]))
                    .map(|term| (len, term))
            });
            match found {
                Some((len, term)) => {
                    terms.push(term.clone());
                    terms.extend(self.broader.get(term).cloned());
                    start += len;
                }
                None => {
                    terms.push(primary[start].clone());
                    start += 1;
                }
            }
        }
        terms
    }

    fn concept(&self, stems: &[String]) -> Option<&String> {
        self.concepts.get(&stems.join(" "))
    }
}

/// The index terms of a phrase (concepts as `#name`, other words as stems), for
/// explaining and debugging matches. English is assumed when the phrase gives no clue.
pub fn index_terms(text: &str) -> Vec<String> {
    analyzer().terms(text, Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        analyzer().terms(text, Lang::En)
    }

    #[test]
    fn folding_removes_accents_case_and_ligatures() {
        assert_eq!(fold("Éclairage PUBLIC à Fès"), "eclairage public a fes");
        assert_eq!(fold("Cœur de métier"), "coeur de metier");
    }

    #[test]
    fn detects_french_and_english_phrases() {
        let analyzer = analyzer();
        assert_eq!(
            analyzer.detect("capteurs d'inondation pour les villes"),
            Some(Lang::Fr)
        );
        assert_eq!(analyzer.detect("éclairage"), Some(Lang::Fr));
        assert_eq!(analyzer.detect("sensors for the city"), Some(Lang::En));
        assert_eq!(analyzer.detect("xyzzy"), None);
    }

    #[test]
    fn english_plural_and_singular_share_a_term() {
        assert_eq!(terms("routing algorithms"), terms("routing algorithm"));
        assert_eq!(terms("sensors"), terms("sensor"));
    }

    #[test]
    fn french_inflections_and_missing_accents_share_a_term() {
        assert_eq!(terms("réseaux de chaleur"), terms("reseau de chaleur"));
        assert_eq!(terms("Déchets ménagers"), terms("dechet menager"));
        assert_eq!(
            analyzer().terms("bâtiments intelligents", Lang::Fr),
            terms("batiment intelligent")
        );
    }

    #[test]
    fn translations_map_to_one_concept() {
        assert_eq!(
            terms("flood sensors"),
            terms("capteurs d'inondation")
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
        );
        assert_eq!(terms("open data"), vec!["#open_data", "#data"]);
        let sorted = |mut terms: Vec<String>| {
            terms.sort();
            terms
        };
        assert_eq!(
            sorted(terms("Open Data platform")),
            sorted(terms("plateforme de données ouvertes"))
        );
        assert!(terms("plateforme de données ouvertes").contains(&"#open_data".to_string()));
        assert!(terms("jumeaux numériques").contains(&"#digital_twin".to_string()));
        assert_eq!(terms("mobilité"), terms("Mobility"));
    }

    #[test]
    fn narrower_concepts_imply_broader_ones() {
        assert_eq!(terms("alerte précoce"), vec!["#early_warning", "#alert"]);
        assert!(terms("we provide public transit").contains(&"#transport".to_string()));
    }

    #[test]
    fn stop_words_are_dropped_but_ai_is_kept() {
        assert!(terms("the and of les des du").is_empty());
        assert_eq!(terms("AI"), terms("IA"));
        assert_eq!(terms("AI"), vec!["#artificial_intelligence"]);
    }
}
