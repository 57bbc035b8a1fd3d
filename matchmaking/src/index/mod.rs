//! The incremental suggestion index: BM25 over inverted indexes of `offers` and `seeks`,
//! topic overlap, language compatibility, organiser boosts and a diversity re-ranking.

use std::collections::HashMap;

use crate::model::{Boost, BoostTarget, MatchError, Profile, SuggestQuery, Suggestion};
use crate::text::{Lang, analyzer, fold};

type TermId = u32;
type DocIx = u32;

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
/// Most quoted characters of a participant's text in a reason.
const QUOTE_CHARS: usize = 90;
/// A seek/offer pair is worth a reason when the offer covers this share of the seek
/// phrase's weight.
const MIN_REASON_COVERAGE: f64 = 0.4;
/// Most reasons of each kind (seek/offer pairs) per suggestion.
const MAX_PAIR_REASONS: usize = 2;

/// A phrase as written and its index terms.
#[derive(Debug, Clone)]
struct Phrase {
    text: String,
    terms: Vec<TermId>,
    /// `terms` sorted, without repeats.
    unique: Vec<TermId>,
}

impl Phrase {
    fn new(text: &str, terms: Vec<TermId>) -> Phrase {
        let mut unique = terms.clone();
        unique.sort_unstable();
        unique.dedup();
        Phrase {
            text: text.to_string(),
            terms,
            unique,
        }
    }
}

/// One field's bag of terms: term frequencies and length.
#[derive(Debug, Clone, Default)]
struct Bag {
    tf: Vec<(TermId, u16)>,
    len: u32,
}

impl Bag {
    fn of(phrases: &[Phrase]) -> Bag {
        let mut counts: HashMap<TermId, u16> = HashMap::new();
        let mut len = 0u32;
        for term in phrases.iter().flat_map(|p| &p.terms) {
            *counts.entry(*term).or_default() += 1;
            len += 1;
        }
        let mut tf: Vec<_> = counts.into_iter().collect();
        tf.sort_unstable();
        Bag { tf, len }
    }
}

/// A profile as indexed.
#[derive(Debug, Clone)]
struct Doc {
    profile: Profile,
    offers: Vec<Phrase>,
    seeks: Vec<Phrase>,
    offers_bag: Bag,
    seeks_bag: Bag,
    /// Topic keys with the index of the topic as written.
    topics: Vec<(TermId, usize)>,
    languages: Vec<String>,
    /// Interned folded sector and organisation, for the diversity pass.
    sector_key: Option<TermId>,
    organization_key: Option<TermId>,
    /// Interned folded city, country, kind, id and groups (sorted, unique), for boosts.
    keys: Vec<TermId>,
}

/// An inverted index of one field, with the statistics BM25 needs, kept up to date by
/// every insertion and removal.
#[derive(Debug, Clone, Default)]
struct Field {
    postings: Vec<Vec<(DocIx, u16)>>,
    /// Each document's length in this field, by document index.
    lengths: Vec<u32>,
    total_len: u64,
}

impl Field {
    fn add(&mut self, doc: DocIx, bag: &Bag) {
        for &(term, tf) in &bag.tf {
            let term = term as usize;
            if self.postings.len() <= term {
                self.postings.resize_with(term + 1, Vec::new);
            }
            self.postings[term].push((doc, tf));
        }
        if self.lengths.len() <= doc as usize {
            self.lengths.resize(doc as usize + 1, 0);
        }
        self.lengths[doc as usize] = bag.len;
        self.total_len += u64::from(bag.len);
    }

    fn remove(&mut self, doc: DocIx, bag: &Bag) {
        for &(term, _) in &bag.tf {
            let list = &mut self.postings[term as usize];
            if let Some(at) = list.iter().position(|&(d, _)| d == doc) {
                list.swap_remove(at);
            }
        }
        self.lengths[doc as usize] = 0;
        self.total_len -= u64::from(bag.len);
    }

    fn doc_frequency(&self, term: TermId) -> usize {
        self.postings.get(term as usize).map_or(0, Vec::len)
    }

    fn idf(&self, term: TermId, doc_count: usize) -> f64 {
        let df = self.doc_frequency(term) as f64;
        (1.0 + (doc_count as f64 - df + 0.5) / (df + 0.5)).ln()
    }
}

/// Participants' profiles, indexed for suggestions. Updates are incremental: `upsert` and
/// `remove` touch only the postings of the profile's own terms, and BM25 statistics (document
/// count, document frequencies, average length) follow at once.
#[derive(Debug, Clone, Default)]
pub struct Index {
    terms: HashMap<String, TermId>,
    offers: Field,
    seeks: Field,
    topics: Field,
    /// City, country, kind, id and group keys → documents, for boosts.
    keys: Field,
    docs: Vec<Option<Doc>>,
    /// What every candidate's score needs, packed by document index.
    meta: Vec<Meta>,
    /// Language code → its bit in [`Meta::languages`].
    language_bits: HashMap<String, u32>,
    free: Vec<DocIx>,
    by_id: HashMap<String, DocIx>,
}

/// Per-document facts read for every candidate, kept apart from [`Doc`] to stay in cache.
#[derive(Debug, Clone, Copy, Default)]
struct Meta {
    /// One bit per language spoken; 0 when unknown.
    languages: u64,
}

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
    /// An empty index.
    pub fn new() -> Index {
        Index::default()
    }

    /// Number of indexed profiles.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether no profile is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The indexed profile with this id.
    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.by_id
            .get(id)
            .and_then(|&ix| self.docs[ix as usize].as_ref())
            .map(|d| &d.profile)
    }

    /// Adds a profile, or replaces the one with the same id.
    pub fn upsert(&mut self, profile: Profile) -> Result<(), MatchError> {
        profile.validate()?;
        self.remove(&profile.id);
        let doc = self.analyse(profile);
        let ix = match self.free.pop() {
            Some(ix) => ix,
            None => {
                self.docs.push(None);
                DocIx::try_from(self.docs.len() - 1).expect("fewer than 4 billion profiles")
            }
        };
        self.offers.add(ix, &doc.offers_bag);
        self.seeks.add(ix, &doc.seeks_bag);
        self.topics.add(ix, &topic_bag(&doc.topics));
        self.keys.add(ix, &key_bag(&doc.keys));
        let meta = Meta {
            languages: self.language_mask(&doc.languages),
        };
        if self.meta.len() <= ix as usize {
            self.meta.resize(ix as usize + 1, Meta::default());
        }
        self.meta[ix as usize] = meta;
        self.by_id.insert(doc.profile.id.clone(), ix);
        self.docs[ix as usize] = Some(doc);
        Ok(())
    }

    /// Removes a profile; returns it if it was there.
    pub fn remove(&mut self, id: &str) -> Option<Profile> {
        let ix = self.by_id.remove(id)?;
        let doc = self.docs[ix as usize].take()?;
        self.offers.remove(ix, &doc.offers_bag);
        self.seeks.remove(ix, &doc.seeks_bag);
        self.topics.remove(ix, &topic_bag(&doc.topics));
        self.keys.remove(ix, &key_bag(&doc.keys));
        self.free.push(ix);
        Some(doc.profile)
    }

    /// Bits of the languages; past 63 distinct languages the rest share the last bit, which
    /// can only make two rare-language speakers look compatible.
    fn language_mask(&mut self, languages: &[String]) -> u64 {
        let mut mask = 0;
        for code in languages {
            let next = u32::try_from(self.language_bits.len())
                .unwrap_or(u32::MAX)
                .min(63);
            let bit = *self.language_bits.entry(code.clone()).or_insert(next);
            mask |= 1u64 << bit;
        }
        mask
    }

    /// Interns a folded `kind:value` key (a city, a country, a group); `None` when empty.
    fn intern_key(&mut self, kind: &str, value: &str) -> Option<TermId> {
        let folded = fold(value.trim());
        (!folded.is_empty()).then(|| self.intern(format!("{kind}:{folded}")))
    }

    /// The interned key of a boost target, if any profile ever had it.
    fn boost_key(&self, target: &BoostTarget) -> Option<TermId> {
        let (kind, value) = match target {
            BoostTarget::Group(v) => ("group", v),
            BoostTarget::City(v) => ("city", v),
            BoostTarget::Country(v) => ("country", v),
            BoostTarget::Kind(v) => ("kind", v),
            BoostTarget::Participant(v) => ("participant", v),
        };
        self.terms.get(&format!("{kind}:{}", fold(value.trim()))).copied()
    }

    fn intern(&mut self, term: String) -> TermId {
        let next = TermId::try_from(self.terms.len()).expect("fewer than 4 billion terms");
        *self.terms.entry(term).or_insert(next)
    }

    fn analyse(&mut self, profile: Profile) -> Doc {
        let analyzer = analyzer();
        let languages = normalized_languages(&profile.languages);
        let all_text = profile
            .offers
            .iter()
            .chain(&profile.seeks)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let fallback = analyzer.detect(&all_text).unwrap_or_else(|| {
            let speaks = |code: &str| languages.iter().any(|l| l == code);
            if speaks("fr") && !speaks("en") {
                Lang::Fr
            } else {
                Lang::En
            }
        });
        let mut phrases = |texts: &[String]| -> Vec<Phrase> {
            texts
                .iter()
                .map(|text| {
                    let terms = analyzer
                        .terms(text, fallback)
                        .into_iter()
                        .map(|t| self.intern(t))
                        .collect();
                    Phrase::new(text, terms)
                })
                .collect()
        };
        let offers = phrases(&profile.offers);
        let seeks = phrases(&profile.seeks);
        let mut topics = Vec::new();
        for (i, topic) in profile.topics.iter().enumerate() {
            let mut terms = analyzer.terms(topic, fallback);
            if terms.is_empty() {
                continue;
            }
            terms.sort();
            let key = self.intern(format!("topic:{}", terms.join(" ")));
            if !topics.iter().any(|&(k, _)| k == key) {
                topics.push((key, i));
            }
        }
        let sector_key = profile
            .sector
            .as_deref()
            .and_then(|s| self.intern_key("sector", s));
        let organization_key = self.intern_key("organization", &profile.organization);
        let mut keys: Vec<TermId> = [
            ("city", &profile.city),
            ("country", &profile.country),
            ("kind", &profile.kind),
            ("participant", &profile.id),
        ]
        .into_iter()
        .chain(profile.groups.iter().map(|g| ("group", g)))
        .filter_map(|(kind, value)| self.intern_key(kind, value))
        .collect();
        keys.sort_unstable();
        keys.dedup();
        Doc {
            offers_bag: Bag::of(&offers),
            seeks_bag: Bag::of(&seeks),
            offers,
            seeks,
            topics,
            languages,
            sector_key,
            organization_key,
            keys,
            profile,
        }
    }

    fn doc(&self, ix: DocIx) -> Option<&Doc> {
        self.docs[ix as usize].as_ref()
    }

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

    fn boost_applies(&self, key: Option<TermId>, d: DocIx) -> bool {
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

    fn reasons(&self, me: &Doc, them_ix: DocIx, boosts: &[(&Boost, Option<TermId>)]) -> Vec<String> {
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
                reasons.push(format!(
                    "you seek {}; {name} offers {}",
                    quote(pair.seek),
                    quote(pair.offer)
                ));
            }
        }
        for (i, pair) in they_seek.iter().enumerate() {
            if strong(pair) || (!any_strong && they_offer.is_empty() && i == 0) {
                reasons.push(format!(
                    "{name} seeks {}; you offer {}",
                    quote(pair.seek),
                    quote(pair.offer)
                ));
            }
        }
        let shared_topics: Vec<&str> = me
            .topics
            .iter()
            .filter(|(key, _)| them.topics.iter().any(|(k, _)| k == key))
            .map(|&(_, i)| me.profile.topics[i].trim())
            .collect();
        if !shared_topics.is_empty() {
            reasons.push(format!("both work on {}", join_words(&shared_topics)));
        }
        let shared_languages: Vec<&str> = me
            .languages
            .iter()
            .filter(|l| them.languages.contains(l))
            .map(|l| language_name(l))
            .collect();
        if !shared_languages.is_empty() {
            reasons.push(format!("you share {}", join_words(&shared_languages)));
        } else if !languages_compatible(&me.languages, &them.languages) {
            reasons.push("no language in common: an interpreter may be needed".to_string());
        }
        for &(boost, key) in boosts {
            if boost.factor > 1.0 && self.boost_applies(key, them_ix) {
                let what = match &boost.target {
                    BoostTarget::Group(g) => format!(": group {g}"),
                    BoostTarget::City(c) => format!(": {c}"),
                    BoostTarget::Country(c) => format!(": country {c}"),
                    BoostTarget::Kind(k) => format!(": every {k}"),
                    BoostTarget::Participant(_) => String::new(),
                };
                reasons.push(format!("highlighted by the organisers{what}"));
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

/// The seek/offer phrase pair that agrees best: shared IDF weight times the share of the
/// seek phrase's weight it covers. Returns that score and the offer phrase.
fn best_pair<'d>(
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

fn key_bag(keys: &[TermId]) -> Bag {
    Bag {
        tf: keys.iter().map(|&k| (k, 1)).collect(),
        len: keys.len() as u32,
    }
}

fn topic_bag(topics: &[(TermId, usize)]) -> Bag {
    Bag {
        tf: topics.iter().map(|&(k, _)| (k, 1)).collect(),
        len: topics.len() as u32,
    }
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

/// Unknown languages (an empty list) are not held against anyone.
fn languages_compatible(a: &[String], b: &[String]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|l| b.contains(l))
}

/// Languages as lower-case ISO 639-1 codes: `en-GB` → `en`, `Français` → `fr`.
fn normalized_languages(languages: &[String]) -> Vec<String> {
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

fn language_name(code: &str) -> &str {
    LANGUAGE_NAMES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, names)| names[0])
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

fn join_words(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
