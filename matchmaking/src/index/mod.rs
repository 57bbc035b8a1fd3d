//! The incremental suggestion index: BM25 over inverted indexes of `offers` and `seeks`,
//! topic overlap, language compatibility, organiser boosts and a diversity re-ranking.
//!
//! This file holds the index itself (profile analysis, the inverted fields, incremental
//! `upsert` and `remove`); `rank` scores and orders candidates, `reasons` explains them and
//! `languages` normalises spoken languages.

mod languages;
pub(crate) use languages::language_name;
mod rank;
mod reasons;

use std::collections::HashMap;

use crate::model::{BoostTarget, MatchError, Profile};
use crate::text::{Lang, analyzer, fold};

use languages::normalized_languages;

type TermId = u32;
type DocIx = u32;

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
