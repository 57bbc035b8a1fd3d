//! Explanations: the reasons, in words, given with each suggestion.

use super::languages::languages_compatible;
use super::rank::best_pair;
use super::{Doc, DocIx, Field, Index, Phrase, TermId};
use crate::model::{Boost, BoostTarget, Reason};

/// Most quoted characters of a participant's text in a reason.
const QUOTE_CHARS: usize = 90;
/// A seek/offer pair is worth a reason when the offer covers this share of the seek
/// phrase's weight.
const MIN_REASON_COVERAGE: f64 = 0.4;
/// Most reasons of each kind (seek/offer pairs) per suggestion.
const MAX_PAIR_REASONS: usize = 2;

impl Index {
    pub(super) fn reasons(
        &self,
        me: &Doc,
        them_ix: DocIx,
        boosts: &[(&Boost, Option<TermId>)],
    ) -> Vec<Reason> {
        let them = self.doc(them_ix).expect("ranked documents are live");
        let name = them.profile.display_name();
        let mut reasons = Vec::new();
        let they_offer = self.best_phrase_pairs(&me.seeks, &them.offers, &self.offers);
        let they_seek = self.best_phrase_pairs(&them.seeks, &me.offers, &self.seeks);
        // Weak matches (a shared generic word) make poor reasons; the strongest one is
        // still given when nothing better explains the suggestion.
        let strong = |pair: &PhrasePair| pair.coverage >= MIN_REASON_COVERAGE;
        let any_strong = they_offer.iter().chain(&they_seek).any(strong);
        for (i, pair) in they_offer.iter().enumerate() {
            if strong(pair) || (!any_strong && i == 0) {
                reasons.push(Reason::TheyOffer {
                    name: name.to_string(),
                    seek: quote(pair.seek),
                    offer: quote(pair.offer),
                });
            }
        }
        for (i, pair) in they_seek.iter().enumerate() {
            if strong(pair) || (!any_strong && they_offer.is_empty() && i == 0) {
                reasons.push(Reason::TheySeek {
                    name: name.to_string(),
                    seek: quote(pair.seek),
                    offer: quote(pair.offer),
                });
            }
        }
        let shared_topics: Vec<String> = me
            .topics
            .iter()
            .filter(|(key, _)| them.topics.iter().any(|(k, _)| k == key))
            .map(|&(_, i)| me.profile.topics[i].trim().to_string())
            .collect();
        if !shared_topics.is_empty() {
            reasons.push(Reason::SharedTopics {
                topics: shared_topics,
            });
        }
        let shared_languages: Vec<String> = me
            .languages
            .iter()
            .filter(|l| them.languages.contains(l))
            .cloned()
            .collect();
        if !shared_languages.is_empty() {
            reasons.push(Reason::SharedLanguages {
                languages: shared_languages,
            });
        } else if !languages_compatible(&me.languages, &them.languages) {
            reasons.push(Reason::NoCommonLanguage);
        }
        for &(boost, key) in boosts {
            if boost.factor > 1.0 && self.boost_applies(key, them_ix) {
                let target = match &boost.target {
                    BoostTarget::Participant(_) => None,
                    other => Some(other.clone()),
                };
                reasons.push(Reason::Highlighted { target });
            }
        }
        reasons
    }

    /// The seek/offer phrase pairs with the most shared term weight, at most one per seek
    /// phrase, best first.
    fn best_phrase_pairs<'d>(
        &self,
        seeks: &'d [Phrase],
        offers: &'d [Phrase],
        field: &Field,
    ) -> Vec<PhrasePair<'d>> {
        let n = self.len();
        let mut pairs: Vec<(f64, PhrasePair<'d>)> = seeks
            .iter()
            .filter_map(|seek| {
                let (score, offer) = best_pair(std::slice::from_ref(seek), offers, field, n);
                let seek_idf: f64 = seek.unique.iter().map(|&t| field.idf(t, n)).sum();
                let offer = offer.filter(|_| score > 0.0 && seek_idf > 0.0)?;
                // score = shared² / seek_idf, so the covered share is √(score / seek_idf).
                let coverage = (score / seek_idf).sqrt();
                Some((
                    score,
                    PhrasePair {
                        seek: &seek.text,
                        offer: &offer.text,
                        coverage,
                    },
                ))
            })
            .collect();
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        pairs
            .into_iter()
            .take(MAX_PAIR_REASONS)
            .map(|(_, pair)| pair)
            .collect()
    }
}

/// A seek phrase and the offer phrase that matches it best, as written.
struct PhrasePair<'d> {
    seek: &'d str,
    offer: &'d str,
    /// Share of the seek phrase's IDF weight the offer covers.
    coverage: f64,
}

fn quote(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= QUOTE_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(QUOTE_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}
