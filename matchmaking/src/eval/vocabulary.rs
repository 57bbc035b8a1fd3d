//! The evaluation set's vocabulary: modifiers, heads and their written variants, and filler.

/// How a written variant relates to the base word of its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Form {
    /// The base word, or a synonym the concept table lists.
    Plain,
    /// Another inflection: plural, derived form, different word order.
    Inflected,
    /// Written without its accents.
    Unaccented,
    /// A synonym absent from the concept table: only partial matches are possible.
    OffTable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Language {
    En,
    Fr,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Variant {
    pub(super) text: &'static str,
    pub(super) lang: Language,
    pub(super) form: Form,
}

/// A modifier (what about) or a head (what kind of thing), with its ways of being written.
#[derive(Debug, Clone, Copy)]
pub(super) struct Part {
    /// Topic (for modifiers) or sector (for heads).
    pub(super) label: &'static str,
    pub(super) variants: &'static [Variant],
}

pub(super) const fn en(text: &'static str, form: Form) -> Variant {
    Variant {
        text,
        lang: Language::En,
        form,
    }
}

pub(super) const fn fr(text: &'static str, form: Form) -> Variant {
    Variant {
        text,
        lang: Language::Fr,
        form,
    }
}

use Form::{Inflected, OffTable, Plain, Unaccented};

pub(super) const MODIFIERS: &[Part] = &[
    Part {
        label: "climate resilience",
        variants: &[
            en("flood", Plain),
            en("flooding", Inflected),
            fr("inondation", Plain),
            fr("inondations", Inflected),
            fr("crues", Inflected),
            fr("submersion", OffTable),
        ],
    },
    Part {
        label: "environment",
        variants: &[
            en("air quality", Plain),
            en("air-quality", Inflected),
            en("air pollution", OffTable),
            fr("qualité de l'air", Plain),
            fr("qualite de l'air", Unaccented),
        ],
    },
    Part {
        label: "mobility",
        variants: &[
            en("parking", Plain),
            en("car parks", Inflected),
            fr("stationnement", Plain),
        ],
    },
    Part {
        label: "water",
        variants: &[
            en("water leak", Plain),
            en("water leaks", Inflected),
            en("pipe bursts", OffTable),
            fr("fuite d'eau", Plain),
            fr("fuites d'eau", Inflected),
        ],
    },
    Part {
        label: "circular economy",
        variants: &[
            en("waste", Plain),
            en("garbage", Plain),
            fr("déchets", Inflected),
            fr("dechets", Unaccented),
            fr("ordures ménagères", Plain),
        ],
    },
    Part {
        label: "mobility",
        variants: &[
            en("traffic", Plain),
            en("road traffic", Plain),
            fr("trafic", Plain),
            fr("circulation routière", Plain),
            fr("circulation routiere", Unaccented),
        ],
    },
    Part {
        label: "energy",
        variants: &[
            en("energy", Plain),
            fr("énergie", Plain),
            fr("energie", Unaccented),
            fr("performance énergétique", Inflected),
        ],
    },
    Part {
        label: "environment",
        variants: &[
            en("noise", Plain),
            fr("bruit", Plain),
            fr("nuisances sonores", Inflected),
        ],
    },
    Part {
        label: "climate resilience",
        variants: &[
            en("heatwave", Plain),
            en("heat waves", Inflected),
            fr("canicule", Plain),
            fr("canicules", Inflected),
            fr("vagues de chaleur", Inflected),
        ],
    },
    Part {
        label: "energy",
        variants: &[
            en("street lighting", Plain),
            en("streetlights", Inflected),
            fr("éclairage public", Plain),
            fr("eclairage public", Unaccented),
        ],
    },
    Part {
        label: "mobility",
        variants: &[
            en("public transport", Plain),
            en("public transit", Plain),
            en("bus network", OffTable),
            fr("transports en commun", Inflected),
            fr("transports publics", Inflected),
        ],
    },
    Part {
        label: "energy",
        variants: &[
            en("solar", Plain),
            en("photovoltaic", Plain),
            fr("solaire", Plain),
            fr("photovoltaïque", Plain),
            fr("photovoltaique", Unaccented),
        ],
    },
];

pub(super) const HEADS: &[Part] = &[
    Part {
        label: "iot hardware",
        variants: &[
            en("sensor", Plain),
            en("sensors", Inflected),
            en("detectors", OffTable),
            fr("capteur", Plain),
            fr("capteurs", Inflected),
            fr("sondes", OffTable),
        ],
    },
    Part {
        label: "software",
        variants: &[
            en("dashboard", Plain),
            en("dashboards", Inflected),
            fr("tableau de bord", Plain),
            fr("tableaux de bord", Inflected),
        ],
    },
    Part {
        label: "analytics",
        variants: &[
            en("forecasting", Plain),
            en("forecasts", Inflected),
            en("prediction models", Plain),
            fr("prévision", Plain),
            fr("prévisions", Inflected),
            fr("prevision", Unaccented),
        ],
    },
    Part {
        label: "geospatial",
        variants: &[
            en("mapping", Plain),
            en("maps", Inflected),
            fr("cartographie", Plain),
            fr("cartes", Inflected),
        ],
    },
    Part {
        label: "analytics",
        variants: &[
            en("alerts", Inflected),
            en("early warning", Plain),
            fr("alertes", Inflected),
            fr("alerte précoce", Plain),
            fr("alerte precoce", Unaccented),
        ],
    },
    Part {
        label: "education",
        variants: &[
            en("training", Plain),
            en("training courses", Inflected),
            fr("formation", Plain),
            fr("formations", Inflected),
        ],
    },
    Part {
        label: "finance",
        variants: &[
            en("funding", Plain),
            en("financing", Plain),
            fr("financement", Plain),
            fr("financements", Inflected),
        ],
    },
    Part {
        label: "consulting",
        variants: &[
            en("consulting", Plain),
            en("advisory services", Plain),
            fr("conseil", Plain),
            fr("accompagnement", OffTable),
        ],
    },
    Part {
        label: "software",
        variants: &[
            en("digital twin", Plain),
            en("digital twins", Inflected),
            fr("jumeau numérique", Plain),
            fr("jumeaux numériques", Inflected),
            fr("jumeau numerique", Unaccented),
        ],
    },
    Part {
        label: "software",
        variants: &[
            en("data platform", Plain),
            en("data platforms", Inflected),
            fr("plateforme de données", Plain),
            fr("plateformes de donnees", Unaccented),
        ],
    },
];

/// Phrases anyone may write, matching many profiles a little.
pub(super) const GENERIC_OFFERS: &[&str] = &[
    "smart city solutions",
    "innovation partnerships with cities",
    "solutions pour la ville intelligente",
    "AI serving citizens",
    "pilot projects in Africa",
    "projets pilotes avec les collectivités",
];
pub(super) const GENERIC_SEEKS: &[&str] = &[
    "partners in Africa",
    "pilot cities",
    "partenaires industriels",
    "smart city projects",
    "investors",
    "nouveaux marchés en Afrique",
];
pub(super) const OTHER_TOPICS: &[&str] = &[
    "smart city",
    "AI serving citizens",
    "e-government",
    "urban planning",
    "citizen participation",
];
pub(super) const CITIES: &[(&str, &str)] = &[
    ("Casablanca", "MA"),
    ("Rabat", "MA"),
    ("Bangkok", "TH"),
    ("Lyon", "FR"),
    ("Barcelona", "ES"),
    ("Dakar", "SN"),
    ("Singapore", "SG"),
    ("Montréal", "CA"),
];
pub(super) const KINDS: &[&str] = &[
    "company",
    "company",
    "company",
    "researcher",
    "institution",
    "delegation",
];
