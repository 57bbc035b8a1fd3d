//! A labelled evaluation set and the ranking-quality measure.
//!
//! Generated profiles hide planted complementary pairs among decoys: a seeker seeks
//! `<modifier> <head>` (`flood sensors`) and its partner offers the same thing written
//! differently — another inflection, no accents, the other language, or a synonym that the
//! matcher's concept table does not list (so some pairs are expected to be missed). Decoys share
//! the partner's topics and sector and half of the phrase (`flood dashboards`,
//! `air quality sensors`), often with the seeker's exact words.
//!
//! The vocabulary below is written independently of [`crate::concepts::CONCEPTS`]: it is what
//! participants might write, and each variant says how it relates to the base word.

use std::collections::HashSet;
use std::fmt;

use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::index::Index;
use crate::model::{Profile, SuggestQuery};
use crate::text::fold;

mod vocabulary;

use Form::{OffTable, Unaccented};
use vocabulary::{
    CITIES, Form, GENERIC_OFFERS, GENERIC_SEEKS, HEADS, KINDS, Language, MODIFIERS, OTHER_TOPICS, Part,
    Variant,
};

/// How a planted pair's two phrases differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Same language, another inflection or a listed synonym (stemming, concept table).
    Inflection,
    /// Same language, one side without accents (folding).
    Accents,
    /// French on one side, English on the other (concept table, shared stems).
    Translation,
    /// One side uses a synonym the concept table does not list.
    OffTable,
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Category::Inflection => "inflection / listed synonym, same language",
            Category::Accents => "accents dropped, same language",
            Category::Translation => "French vs English",
            Category::OffTable => "synonym not in the concept table",
        })
    }
}

/// Size and seed of a generated evaluation set.
#[derive(Debug, Clone, Copy)]
pub struct EvalConfig {
    /// Total number of profiles, planted ones included.
    pub profiles: usize,
    /// Planted seeker/partner pairs (at most 60% of modifier × head combinations).
    pub planted_pairs: usize,
    /// Decoys per pair.
    pub decoys_per_pair: usize,
    /// Random seed.
    pub seed: u64,
}

impl Default for EvalConfig {
    fn default() -> EvalConfig {
        EvalConfig {
            profiles: 2000,
            planted_pairs: 72,
            decoys_per_pair: 6,
            seed: 2027,
        }
    }
}

/// A planted pair: `partner` offers what `seeker` seeks.
#[derive(Debug, Clone)]
pub struct PlantedPair {
    /// The seeker's id.
    pub seeker: String,
    /// The partner's id.
    pub partner: String,
    /// How the two phrases differ.
    pub category: Category,
    /// The seeker's phrase.
    pub seeks: String,
    /// The partner's phrase.
    pub offers: String,
}

/// Generated profiles and the pairs planted among them.
#[derive(Debug, Clone)]
pub struct EvalSet {
    /// All profiles.
    pub profiles: Vec<Profile>,
    /// The labelled pairs.
    pub pairs: Vec<PlantedPair>,
}

struct Generator {
    rng: ChaCha8Rng,
    profiles: Vec<Profile>,
    next_id: usize,
}

impl Generator {
    fn phrase(&self, modifier: &Variant, head: &Variant) -> String {
        match modifier.lang {
            Language::En => format!("{} {}", modifier.text, head.text),
            Language::Fr => {
                let elide = fold(modifier.text).starts_with(['a', 'e', 'i', 'o', 'u', 'h']);
                let de = if elide { "d'" } else { "de " };
                format!("{} {de}{}", head.text, modifier.text)
            }
        }
    }

    fn pick_variant(&mut self, part: &Part, lang: Language, exclude_off_table: bool) -> Variant {
        let options: Vec<&Variant> = part
            .variants
            .iter()
            .filter(|v| v.lang == lang && !(exclude_off_table && v.form == OffTable))
            .collect();
        **options
            .choose(&mut self.rng)
            .expect("every part has a variant in each language")
    }

    fn wrap(&mut self, phrase: &str, lang: Language, seeking: bool) -> String {
        let templates: &[&str] = match (lang, seeking) {
            (Language::En, true) => &["{}", "looking for {}", "we need {} for our city"],
            (Language::Fr, true) => &["{}", "nous recherchons des {}", "besoin de {} pour notre ville"],
            (Language::En, false) => &["{}", "we provide {}", "{} for municipalities"],
            (Language::Fr, false) => &["{}", "nous proposons des {}", "{} pour les collectivités"],
        };
        templates
            .choose(&mut self.rng)
            .expect("templates")
            .replace("{}", phrase)
    }

    fn random_lang(&mut self) -> Language {
        if self.rng.random_bool(0.5) {
            Language::En
        } else {
            Language::Fr
        }
    }

    /// A phrase for a modifier × head combination in a random language, without off-table
    /// words (those are reserved for planted partners).
    fn combo_phrase(&mut self, (m, h): (usize, usize), seeking: bool) -> String {
        let lang = self.random_lang();
        let modifier = self.pick_variant(&MODIFIERS[m], lang, true);
        let head = self.pick_variant(&HEADS[h], lang, true);
        let phrase = self.phrase(&modifier, &head);
        self.wrap(&phrase, lang, seeking)
    }

    fn new_profile(&mut self, topics: Vec<String>, sector: &str) -> Profile {
        let n = self.next_id;
        self.next_id += 1;
        let (city, country) = *CITIES.choose(&mut self.rng).expect("cities");
        let languages = match self.rng.random_range(0..100) {
            0..45 => vec!["en", "fr"],
            45..80 => vec!["en"],
            _ => vec!["fr"],
        };
        Profile {
            id: format!("p{n:05}"),
            name: format!("Participant {n}"),
            kind: KINDS.choose(&mut self.rng).expect("kinds").to_string(),
            organization: format!("Organisation {n}"),
            city: city.to_string(),
            country: country.to_string(),
            languages: languages.into_iter().map(String::from).collect(),
            topics,
            offers: Vec::new(),
            seeks: Vec::new(),
            sector: Some(sector.to_string()),
            groups: Vec::new(),
        }
    }
}

/// Generates the labelled evaluation set.
pub fn generate(config: &EvalConfig) -> EvalSet {
    let mut generator = Generator {
        rng: ChaCha8Rng::seed_from_u64(config.seed),
        profiles: Vec::new(),
        next_id: 0,
    };
    let mut combos: Vec<(usize, usize)> = (0..MODIFIERS.len())
        .flat_map(|m| (0..HEADS.len()).map(move |h| (m, h)))
        .collect();
    combos.shuffle(&mut generator.rng);
    let planted_count = config.planted_pairs.min(combos.len() * 6 / 10);
    let (planted, background) = combos.split_at(planted_count);
    let background = background.to_vec();

    let mut pairs = Vec::new();
    for &(m, h) in planted {
        let g = &mut generator;
        let seeker_lang = g.random_lang();
        let partner_lang = g.random_lang();
        let (seeker_phrase, partner_phrase, category) = loop {
            let sm = g.pick_variant(&MODIFIERS[m], seeker_lang, true);
            let sh = g.pick_variant(&HEADS[h], seeker_lang, true);
            let pm = g.pick_variant(&MODIFIERS[m], partner_lang, false);
            let ph = g.pick_variant(&HEADS[h], partner_lang, false);
            let seeker_phrase = g.phrase(&sm, &sh);
            let partner_phrase = g.phrase(&pm, &ph);
            if seeker_phrase == partner_phrase {
                continue;
            }
            let forms = [sm.form, sh.form, pm.form, ph.form];
            let category = if forms.contains(&OffTable) {
                Category::OffTable
            } else if seeker_lang != partner_lang {
                Category::Translation
            } else if forms.contains(&Unaccented) {
                Category::Accents
            } else {
                Category::Inflection
            };
            break (seeker_phrase, partner_phrase, category);
        };
        let topic = MODIFIERS[m].label;
        let other_topic = OTHER_TOPICS.choose(&mut g.rng).expect("topics").to_string();
        let sector = HEADS[h].label;

        let mut seeker = g.new_profile(vec![topic.to_string(), other_topic.clone()], "city services");
        seeker.kind = "delegation".to_string();
        seeker.seeks.push(g.wrap(&seeker_phrase, seeker_lang, true));
        if g.rng.random_bool(0.5) {
            seeker
                .seeks
                .push(GENERIC_SEEKS.choose(&mut g.rng).expect("seeks").to_string());
        }
        seeker
            .offers
            .push(GENERIC_OFFERS.choose(&mut g.rng).expect("offers").to_string());
        let mut partner = g.new_profile(vec![topic.to_string(), other_topic], sector);
        partner.offers.push(g.wrap(&partner_phrase, partner_lang, false));
        if g.rng.random_bool(0.5) {
            let extra = *background.choose(&mut g.rng).expect("background combos");
            let phrase = g.combo_phrase(extra, false);
            partner.offers.push(phrase);
        }
        partner
            .seeks
            .push(GENERIC_SEEKS.choose(&mut g.rng).expect("seeks").to_string());
        let speaks = |p: &Profile, code: &str| p.languages.iter().any(|l| l == code);
        for (profile, lang) in [(&mut seeker, seeker_lang), (&mut partner, partner_lang)] {
            let code = if lang == Language::En { "en" } else { "fr" };
            if !speaks(profile, code) {
                profile.languages.push(code.to_string());
            }
        }
        if !seeker.languages.iter().any(|l| partner.languages.contains(l)) {
            partner.languages.push(seeker.languages[0].clone());
        }
        pairs.push(PlantedPair {
            seeker: seeker.id.clone(),
            partner: partner.id.clone(),
            category,
            seeks: seeker.seeks[0].clone(),
            offers: partner.offers[0].clone(),
        });
        let partner_topics = partner.topics.clone();
        g.profiles.push(seeker);
        g.profiles.push(partner);

        // Decoys: the partner's topics and sector, half of the seeker's phrase (often its
        // exact words).
        for d in 0..config.decoys_per_pair {
            let decoy_combo = if d % 2 == 0 {
                background
                    .iter()
                    .filter(|&&(dm, _)| dm == m)
                    .copied()
                    .collect::<Vec<_>>()
            } else {
                background
                    .iter()
                    .filter(|&&(_, dh)| dh == h)
                    .copied()
                    .collect::<Vec<_>>()
            };
            let Some(&(dm, dh)) = decoy_combo.choose(&mut g.rng) else {
                continue;
            };
            let mut decoy = g.new_profile(partner_topics.clone(), sector);
            let modifier = g.pick_variant(&MODIFIERS[dm], seeker_lang, true);
            let head = g.pick_variant(&HEADS[dh], seeker_lang, true);
            let phrase = g.phrase(&modifier, &head);
            decoy.offers.push(g.wrap(&phrase, seeker_lang, false));
            decoy
                .seeks
                .push(GENERIC_SEEKS.choose(&mut g.rng).expect("seeks").to_string());
            g.profiles.push(decoy);
        }
    }

    while generator.profiles.len() < config.profiles {
        let g = &mut generator;
        let offers_count = g.rng.random_range(1..=3);
        let offered: Vec<(usize, usize)> = background
            .choose_multiple(&mut g.rng, offers_count)
            .copied()
            .collect();
        let mut topics: Vec<String> = offered
            .iter()
            .map(|&(m, _)| MODIFIERS[m].label.to_string())
            .collect();
        topics.push(OTHER_TOPICS.choose(&mut g.rng).expect("topics").to_string());
        topics.sort();
        topics.dedup();
        let sector = HEADS[offered[0].1].label;
        let mut profile = g.new_profile(topics, sector);
        for combo in offered {
            let phrase = g.combo_phrase(combo, false);
            profile.offers.push(phrase);
        }
        if g.rng.random_bool(0.3) {
            profile
                .offers
                .push(GENERIC_OFFERS.choose(&mut g.rng).expect("offers").to_string());
        }
        let sought = *background.choose(&mut g.rng).expect("background combos");
        let phrase = g.combo_phrase(sought, true);
        profile.seeks.push(phrase);
        if g.rng.random_bool(0.5) {
            profile
                .seeks
                .push(GENERIC_SEEKS.choose(&mut g.rng).expect("seeks").to_string());
        }
        g.profiles.push(profile);
    }
    // Planted profiles must not sit at predictable positions.
    generator.profiles.shuffle(&mut generator.rng);
    EvalSet {
        profiles: generator.profiles,
        pairs,
    }
}

/// The suggestion API's default limit: recall@10 is read from the first 10 of such a call.
pub const DEFAULT_LIMIT: usize = 20;
/// Ranks beyond this count as misses for the mean reciprocal rank.
pub const MRR_DEPTH: usize = 100;

/// Quality of one ranking method over the planted pairs.
#[derive(Debug, Clone)]
pub struct MethodResult {
    /// Method name.
    pub method: &'static str,
    /// Share of seekers whose partner is among their first 10 suggestions (for ours: the
    /// first 10 of a call with the default limit).
    pub recall_at_10: f64,
    /// Mean reciprocal rank of the partner (0 beyond rank [`MRR_DEPTH`]).
    pub mrr: f64,
}

/// The evaluation's outcome.
#[derive(Debug, Clone)]
pub struct EvalReport {
    /// Number of profiles.
    pub profiles: usize,
    /// Number of planted pairs.
    pub pairs: usize,
    /// Random, topic overlap and our ranking, in that order.
    pub methods: Vec<MethodResult>,
    /// Our ranking's recall@10 per category: (category, pairs, recall@10).
    pub by_category: Vec<(Category, usize, f64)>,
    /// Planted pairs our ranking missed (partner not in the first 10).
    pub misses: Vec<String>,
}

impl EvalReport {
    /// The result of the named method.
    pub fn method(&self, name: &str) -> Option<&MethodResult> {
        self.methods.iter().find(|m| m.method == name)
    }
}

/// Random ranking.
pub const RANDOM: &str = "random";
/// Ranking by number of shared topics (ties in random order).
pub const TOPIC_OVERLAP: &str = "topic overlap only";
/// This crate's ranking.
pub const MATCHMAKING: &str = "matchmaking (BM25 seeks/offers + topics + languages + diversity)";

/// Ranks every planted partner with the three methods.
pub fn evaluate(set: &EvalSet, seed: u64) -> EvalReport {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut index = Index::new();
    for profile in &set.profiles {
        index
            .upsert(profile.clone())
            .expect("generated profiles are valid");
    }
    let others = set.profiles.len() - 1;
    let folded_topics: Vec<(&str, HashSet<String>)> = set
        .profiles
        .iter()
        .map(|p| (p.id.as_str(), p.topics.iter().map(|t| fold(t)).collect()))
        .collect();
    let topics_of = |id: &str| -> &HashSet<String> {
        &folded_topics
            .iter()
            .find(|(pid, _)| *pid == id)
            .expect("pair ids are profiles")
            .1
    };

    let mut random_ranks = Vec::new();
    let mut topic_ranks = Vec::new();
    let mut our_ranks = Vec::new();
    let mut our_top10 = Vec::new();
    for pair in &set.pairs {
        random_ranks.push(Some(rng.random_range(1..=others)));

        let seeker_topics = topics_of(&pair.seeker);
        let overlap = |topics: &HashSet<String>| topics.intersection(seeker_topics).count();
        let partner_overlap = overlap(topics_of(&pair.partner));
        let (mut higher, mut ties) = (0usize, 0usize);
        for (_, topics) in folded_topics
            .iter()
            .filter(|(id, _)| *id != pair.seeker && *id != pair.partner)
        {
            match overlap(topics).cmp(&partner_overlap) {
                std::cmp::Ordering::Greater => higher += 1,
                std::cmp::Ordering::Equal => ties += 1,
                std::cmp::Ordering::Less => {}
            }
        }
        topic_ranks.push(Some(higher + 1 + rng.random_range(0..=ties)));

        let suggestions = index
            .suggest(&pair.seeker, &SuggestQuery::new(MRR_DEPTH))
            .expect("seeker indexed");
        our_ranks.push(
            suggestions
                .iter()
                .position(|s| s.id == pair.partner)
                .map(|i| i + 1),
        );
        // Recall is measured on what a participant sees: the first 10 of a default call.
        let shown = index
            .suggest(&pair.seeker, &SuggestQuery::new(DEFAULT_LIMIT))
            .expect("seeker indexed");
        our_top10.push(shown.iter().take(10).any(|s| s.id == pair.partner));
    }

    let result = |method, ranks: &[Option<usize>]| {
        let n = ranks.len().max(1) as f64;
        MethodResult {
            method,
            recall_at_10: ranks.iter().filter(|r| r.is_some_and(|r| r <= 10)).count() as f64 / n,
            mrr: ranks
                .iter()
                .map(|r| r.filter(|&r| r <= MRR_DEPTH).map_or(0.0, |r| 1.0 / r as f64))
                .sum::<f64>()
                / n,
        }
    };
    let mut categories: Vec<Category> = set.pairs.iter().map(|p| p.category).collect();
    categories.sort();
    categories.dedup();
    let by_category = categories
        .into_iter()
        .map(|category| {
            let ranks: Vec<_> = set
                .pairs
                .iter()
                .zip(&our_top10)
                .filter(|(p, _)| p.category == category)
                .collect();
            let hits = ranks.iter().filter(|(_, hit)| **hit).count();
            (category, ranks.len(), hits as f64 / ranks.len() as f64)
        })
        .collect();
    let misses = set
        .pairs
        .iter()
        .zip(&our_ranks)
        .zip(&our_top10)
        .filter(|(_, hit)| !**hit)
        .map(|((p, r), _)| {
            let rank = r.map_or(format!("not in the first {MRR_DEPTH}"), |r| format!("rank {r}"));
            format!(
                "seeks \"{}\" / offers \"{}\" ({}): {rank}",
                p.seeks, p.offers, p.category
            )
        })
        .collect();
    EvalReport {
        profiles: set.profiles.len(),
        pairs: set.pairs.len(),
        methods: vec![
            result(RANDOM, &random_ranks),
            result(TOPIC_OVERLAP, &topic_ranks),
            MethodResult {
                recall_at_10: our_top10.iter().filter(|hit| **hit).count() as f64
                    / our_top10.len().max(1) as f64,
                ..result(MATCHMAKING, &our_ranks)
            },
        ],
        by_category,
        misses,
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} profiles, {} planted pairs", self.profiles, self.pairs)?;
        writeln!(f)?;
        writeln!(f, "| method | recall@10 | MRR (@{MRR_DEPTH}) |")?;
        writeln!(f, "| --- | --- | --- |")?;
        for m in &self.methods {
            writeln!(f, "| {} | {:.3} | {:.3} |", m.method, m.recall_at_10, m.mrr)?;
        }
        writeln!(f)?;
        writeln!(f, "| pair category | pairs | recall@10 (ours) |")?;
        writeln!(f, "| --- | --- | --- |")?;
        for (category, pairs, recall) in &self.by_category {
            writeln!(f, "| {category} | {pairs} | {recall:.3} |")?;
        }
        if !self.misses.is_empty() {
            writeln!(f)?;
            writeln!(f, "Missed (partner not in the first 10):")?;
            for miss in &self.misses {
                writeln!(f, "- {miss}")?;
            }
        }
        Ok(())
    }
}
