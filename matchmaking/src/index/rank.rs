//! Ranking: BM25 scores gathered from the postings, the within-phrase re-ranking, boosts,
//! languages and the diversity re-ranking behind [`Index::suggest`].

use std::collections::HashMap;

use super::{DocIx, Field, Index, Phrase, TermId};
use crate::model::{Boost, MatchError, SuggestQuery, Suggestion};

/// BM25 term-frequency saturation.
const BM25_K1: f64 = 1.2;
/// BM25 length normalisation.
const BM25_B: f64 = 0.75;
/// My seeks against their offers: what I came for, so it counts most.
const WEIGHT_THEY_OFFER_WHAT_I_SEEK: f64 = 1.0;
/// My offers against their seeks: they would want to meet me.
const WEIGHT_THEY_SEEK_WHAT_I_OFFER: f64 = 0.6;
/// Within-phrase agreement: the best single seek phrase against the best single offer
/// phrase, so `flood sensors` beats `flood insurance` + `parking sensors` in two entries.
const WEIGHT_SAME_PHRASE: f64 = 1.0;
/// Candidates (by bag-of-words score) that get the within-phrase bonus.
const PHRASE_RERANK_POOL: usize = 150;
/// Weight of a candidate's matches on my other phrases, next to its best one.
const OTHER_PHRASES_WEIGHT: f64 = 0.3;
/// Shared topics: similarity, worth less than complementarity.
const WEIGHT_SHARED_TOPIC: f64 = 0.35;
/// Score multiplier when the two have no language in common (both listed some).
const NO_COMMON_LANGUAGE_FACTOR: f64 = 0.1;
/// Diversity: each suggestion already picked from the same sector multiplies a candidate's
/// score by this, down to the floor: a much better match still wins over variety.
const SAME_SECTOR_DECAY: f64 = 0.8;
const SAME_SECTOR_FLOOR: f64 = 0.5;
/// The same for suggestions already picked from the same organisation.
const SAME_ORGANIZATION_DECAY: f64 = 0.5;
const SAME_ORGANIZATION_FLOOR: f64 = 0.25;
/// The diversity re-ranking looks this many times deeper than the limit.
const DIVERSITY_POOL_FACTOR: usize = 4;

/// Per-candidate partial scores gathered from the postings.
#[derive(Debug, Clone, Copy, Default)]
struct Partial {
    they_offer: PhraseScores,
    they_seek: PhraseScores,
    topics: f64,
}

/// Scores of one candidate against each of my phrases, folded as they come.
#[derive(Debug, Clone, Copy, Default)]
struct PhraseScores {
    best: f64,
    sum: f64,
}

impl PhraseScores {
    fn add(&mut self, score: f64) {
        self.best = self.best.max(score);
        self.sum += score;
    }

    /// The best phrase counts fully, the others a little: meeting one need well beats
    /// brushing against several.
    fn total(&self) -> f64 {
        self.best + OTHER_PHRASES_WEIGHT * (self.sum - self.best)
    }
}

/// Dense per-document accumulators for one query phrase, reset after each phrase.
struct PhraseScratch {
    bm25: Vec<f64>,
    matched_idf: Vec<f64>,
    touched: Vec<DocIx>,
    phrase_idf: f64,
}

impl PhraseScratch {
    fn new(docs: usize) -> PhraseScratch {
        PhraseScratch {
            bm25: vec![0.0; docs],
            matched_idf: vec![0.0; docs],
            touched: Vec::new(),
            phrase_idf: 0.0,
        }
    }

    /// Each touched document's phrase score — BM25 times the share of the phrase's IDF
    /// weight it covers — and a reset.
    fn drain(&mut self) -> impl Iterator<Item = (DocIx, f64)> + '_ {
        let phrase_idf = self.phrase_idf;
        let (bm25, matched_idf) = (&mut self.bm25, &mut self.matched_idf);
        self.touched.drain(..).map(move |d| {
            let d_ix = d as usize;
            let coverage = if phrase_idf > 0.0 {
                matched_idf[d_ix] / phrase_idf
            } else {
                0.0
            };
            let score = bm25[d_ix] * coverage;
            bm25[d_ix] = 0.0;
            matched_idf[d_ix] = 0.0;
            (d, score)
        })
    }
}

impl Index {
    /// Ranked, explained suggestions of whom `for_id` should meet.
    ///
    /// A candidate needs something in common with the caller (a seek/offer match or a shared
    /// topic); it is never the caller and never in `query.exclude`.
    pub fn suggest(&self, for_id: &str, query: &SuggestQuery) -> Result<Vec<Suggestion>, MatchError> {
        query.validate()?;
        let &me_ix = self
            .by_id
            .get(for_id)
            .ok_or_else(|| MatchError::UnknownParticipant(for_id.to_string()))?;
        let me = self.doc(me_ix).expect("indexed ids point at live documents");

        let n = self.len();
        let mut partial = vec![Partial::default(); self.docs.len()];
        let mut seen = vec![false; self.docs.len()];
        let mut touched: Vec<DocIx> = Vec::new();
        let mut scratch = PhraseScratch::new(self.docs.len());
        for phrase in &me.seeks {
            self.score_phrase(phrase, &self.offers, &mut scratch);
            for (d, score) in scratch.drain() {
                partial[d as usize].they_offer.add(score);
                if !std::mem::replace(&mut seen[d as usize], true) {
                    touched.push(d);
                }
            }
        }
        for phrase in &me.offers {
            self.score_phrase(phrase, &self.seeks, &mut scratch);
            for (d, score) in scratch.drain() {
                partial[d as usize].they_seek.add(score);
                if !std::mem::replace(&mut seen[d as usize], true) {
                    touched.push(d);
                }
            }
        }
        for &(key, _) in &me.topics {
            let idf = self.topics.idf(key, n);
            for &(d, _) in self.topics.postings.get(key as usize).into_iter().flatten() {
                if !std::mem::replace(&mut seen[d as usize], true) {
                    touched.push(d);
                }
                partial[d as usize].topics += idf;
            }
        }

        let mut blocked = vec![false; self.docs.len()];
        blocked[me_ix as usize] = true;
        for id in &query.exclude {
            if let Some(&d) = self.by_id.get(id) {
                blocked[d as usize] = true;
            }
        }
        let boosts: Vec<(&Boost, Option<TermId>)> = query
            .boosts
            .iter()
            .map(|b| (b, self.boost_key(&b.target)))
            .collect();
        // Boosts walk the postings of their key once instead of testing every candidate.
        let mut boost_factors = Vec::new();
        if !boosts.is_empty() {
            boost_factors = vec![1.0; self.docs.len()];
            for &(boost, key) in &boosts {
                let postings = key.and_then(|k| self.keys.postings.get(k as usize));
                for &(d, _) in postings.into_iter().flatten() {
                    boost_factors[d as usize] *= boost.factor;
                }
            }
        }
        let my_languages = self.meta[me_ix as usize].languages;
        let mut scored: Vec<(DocIx, f64)> = touched
            .into_iter()
            .filter(|&d| !blocked[d as usize])
            .map(|d| {
                let meta = &self.meta[d as usize];
                let mut score = self.unadjusted_score(&partial[d as usize]);
                if my_languages != 0 && meta.languages != 0 && my_languages & meta.languages == 0 {
                    score *= NO_COMMON_LANGUAGE_FACTOR;
                }
                if let Some(factor) = boost_factors.get(d as usize) {
                    score *= factor;
                }
                (d, score)
            })
            .filter(|&(_, score)| score > 0.0)
            .collect();

        let by_score = |a: &(DocIx, f64), b: &(DocIx, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let keep_best = |scored: &mut Vec<(DocIx, f64)>, count: usize| {
            if scored.len() > count {
                scored.select_nth_unstable_by(count - 1, by_score);
                scored.truncate(count);
            }
        };
        keep_best(
            &mut scored,
            PHRASE_RERANK_POOL.max(query.limit * DIVERSITY_POOL_FACTOR),
        );
        let my_seeks = weigh(&me.seeks, &self.offers, n);
        for (d, score) in &mut scored {
            let doc = self.doc(*d).expect("scored documents are live");
            let base = WEIGHT_THEY_OFFER_WHAT_I_SEEK * best_weighted_pair(&my_seeks, &doc.offers).0
                + WEIGHT_THEY_SEEK_WHAT_I_OFFER * best_pair(&doc.seeks, &me.offers, &self.seeks, n).0;
            // The factors (language, boosts) already applied to the score apply to the bonus too.
            let unadjusted = self.unadjusted_score(&partial[*d as usize]);
            let factor = if unadjusted > 0.0 {
                *score / unadjusted
            } else {
                1.0
            };
            *score += WEIGHT_SAME_PHRASE * base * factor;
        }
        keep_best(
            &mut scored,
            (query.limit * DIVERSITY_POOL_FACTOR).max(query.limit + 10),
        );
        scored.sort_unstable_by(by_score);

        let ranked = self.diversify(scored, query.limit);
        Ok(ranked
            .into_iter()
            .map(|(d, score)| {
                let doc = self.doc(d).expect("ranked documents are live");
                Suggestion {
                    id: doc.profile.id.clone(),
                    score,
                    reasons: self.reasons(me, d, &boosts),
                }
            })
            .collect())
    }

    pub(super) fn boost_applies(&self, key: Option<TermId>, d: DocIx) -> bool {
        key.is_some_and(|key| {
            self.doc(d)
                .is_some_and(|doc| doc.keys.binary_search(&key).is_ok())
        })
    }

    fn unadjusted_score(&self, p: &Partial) -> f64 {
        WEIGHT_THEY_OFFER_WHAT_I_SEEK * p.they_offer.total()
            + WEIGHT_THEY_SEEK_WHAT_I_OFFER * p.they_seek.total()
            + WEIGHT_SHARED_TOPIC * p.topics
    }

    /// BM25 of one of my phrases against every document's `field`, into `scratch`.
    fn score_phrase(&self, phrase: &Phrase, field: &Field, scratch: &mut PhraseScratch) {
        let n = self.len();
        let average_len = field.total_len as f64 / n as f64;
        scratch.phrase_idf = 0.0;
        for &term in &phrase.unique {
            let idf = field.idf(term, n);
            scratch.phrase_idf += idf;
            for &(d, tf) in field.postings.get(term as usize).into_iter().flatten() {
                let d_ix = d as usize;
                if scratch.matched_idf[d_ix] == 0.0 {
                    scratch.touched.push(d);
                }
                scratch.bm25[d_ix] += idf * bm25_tf(tf, field.lengths[d_ix], average_len);
                scratch.matched_idf[d_ix] += idf;
            }
        }
    }

    /// Greedy re-ranking (maximal-marginal-relevance style): each pick discounts the
    /// remaining candidates of the same sector and organisation, so one sector cannot fill
    /// the list. Scores only decrease, so the output stays sorted by its adjusted score.
    fn diversify(&self, mut pool: Vec<(DocIx, f64)>, limit: usize) -> Vec<(DocIx, f64)> {
        let mut sector_picks: HashMap<TermId, i32> = HashMap::new();
        let mut organization_picks: HashMap<TermId, i32> = HashMap::new();
        let mut ranked = Vec::with_capacity(limit.min(pool.len()));
        while ranked.len() < limit && !pool.is_empty() {
            let adjusted = |&(d, score): &(DocIx, f64)| {
                let doc = self.doc(d).expect("pooled documents are live");
                let sector = doc
                    .sector_key
                    .and_then(|s| sector_picks.get(&s))
                    .copied()
                    .unwrap_or(0);
                let org = doc
                    .organization_key
                    .and_then(|o| organization_picks.get(&o))
                    .copied()
                    .unwrap_or(0);
                score
                    * SAME_SECTOR_DECAY.powi(sector).max(SAME_SECTOR_FLOOR)
                    * SAME_ORGANIZATION_DECAY.powi(org).max(SAME_ORGANIZATION_FLOOR)
            };
            let (at, score) = pool
                .iter()
                .enumerate()
                .map(|(i, c)| (i, adjusted(c)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .expect("pool is not empty");
            let (d, _) = pool.remove(at);
            let doc = self.doc(d).expect("pooled documents are live");
            if let Some(sector) = doc.sector_key {
                *sector_picks.entry(sector).or_default() += 1;
            }
            if let Some(org) = doc.organization_key {
                *organization_picks.entry(org).or_default() += 1;
            }
            ranked.push((d, score));
        }
        ranked
    }
}

/// The seek/offer phrase pair that agrees best: shared IDF weight times the share of the
/// seek phrase's weight it covers. Returns that score and the offer phrase.
pub(super) fn best_pair<'d>(
    seeks: &[Phrase],
    offers: &'d [Phrase],
    field: &Field,
    doc_count: usize,
) -> (f64, Option<&'d Phrase>) {
    best_weighted_pair(&weigh(seeks, field, doc_count), offers)
}

/// A seek phrase with the IDF of each of its unique terms, computed once per call.
struct WeightedPhrase {
    terms: Vec<(TermId, f64)>,
    total: f64,
}

fn weigh(phrases: &[Phrase], field: &Field, doc_count: usize) -> Vec<WeightedPhrase> {
    phrases
        .iter()
        .map(|phrase| {
            let terms: Vec<(TermId, f64)> = phrase
                .unique
                .iter()
                .map(|&t| (t, field.idf(t, doc_count)))
                .collect();
            let total = terms.iter().map(|&(_, idf)| idf).sum();
            WeightedPhrase { terms, total }
        })
        .collect()
}

fn best_weighted_pair<'d>(seeks: &[WeightedPhrase], offers: &'d [Phrase]) -> (f64, Option<&'d Phrase>) {
    let mut best = (0.0, None);
    for seek in seeks.iter().filter(|s| s.total > 0.0) {
        for offer in offers {
            let shared: f64 = seek
                .terms
                .iter()
                .filter(|(t, _)| offer.unique.binary_search(t).is_ok())
                .map(|&(_, idf)| idf)
                .sum();
            let score = shared * shared / seek.total;
            if score > best.0 {
                best = (score, Some(offer));
            }
        }
    }
    best
}

fn bm25_tf(tf: u16, len: u32, average_len: f64) -> f64 {
    let tf = f64::from(tf);
    let norm = if average_len > 0.0 {
        f64::from(len) / average_len
    } else {
        1.0
    };
    tf * (BM25_K1 + 1.0) / (tf + BM25_K1 * (1.0 - BM25_B + BM25_B * norm))
}
