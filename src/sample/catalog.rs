//! The words the generator draws from: cities, topics with what participants offer and
//! seek (in English and French), and the parts of names.

/// Where a city's people come from, for names and languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Region {
    Morocco,
    Asean,
    Mena,
    Francophone,
    International,
}

/// A city that may send a delegation or be home to a participant.
#[derive(Debug, Clone, Copy)]
pub(crate) struct City {
    pub name: &'static str,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    /// Working languages, most used first (ISO 639-1, `fil` for Filipino).
    pub languages: &'static [&'static str],
    pub region: Region,
}

const fn city(
    name: &'static str,
    country: &'static str,
    languages: &'static [&'static str],
    region: Region,
) -> City {
    City {
        name,
        country,
        languages,
        region,
    }
}

use Region::{Asean, Francophone, International, Mena, Morocco};

/// Delegations are taken in this order: the guest of honour, ASEAN partner cities,
/// Moroccan cities, then the rest of the world.
pub(crate) const CITIES: &[City] = &[
    city("Bangkok", "TH", &["th", "en"], Asean),
    city("Jakarta", "ID", &["id", "en"], Asean),
    city("Kuala Lumpur", "MY", &["ms", "en"], Asean),
    city("Manila", "PH", &["fil", "en"], Asean),
    city("Singapore", "SG", &["en", "zh", "ms"], Asean),
    city("Hanoi", "VN", &["vi", "en"], Asean),
    city("Ho Chi Minh City", "VN", &["vi", "en"], Asean),
    city("Phnom Penh", "KH", &["km", "en", "fr"], Asean),
    city("Vientiane", "LA", &["lo", "fr", "en"], Asean),
    city("Yangon", "MM", &["my", "en"], Asean),
    city("Bandar Seri Begawan", "BN", &["ms", "en"], Asean),
    city("Casablanca", "MA", &["ar", "fr", "en"], Morocco),
    city("Rabat", "MA", &["ar", "fr", "en"], Morocco),
    city("Marrakech", "MA", &["ar", "fr", "en"], Morocco),
    city("Tangier", "MA", &["ar", "fr", "es"], Morocco),
    city("Fès", "MA", &["ar", "fr"], Morocco),
    city("Agadir", "MA", &["ar", "fr", "en"], Morocco),
    city("Oujda", "MA", &["ar", "fr"], Morocco),
    city("Kénitra", "MA", &["ar", "fr"], Morocco),
    city("Tétouan", "MA", &["ar", "es", "fr"], Morocco),
    city("Meknès", "MA", &["ar", "fr"], Morocco),
    city("El Jadida", "MA", &["ar", "fr"], Morocco),
    city("Laâyoune", "MA", &["ar", "es", "fr"], Morocco),
    city("Dakhla", "MA", &["ar", "fr"], Morocco),
    city("Salé", "MA", &["ar", "fr"], Morocco),
    city("Mohammedia", "MA", &["ar", "fr"], Morocco),
    city("Béni Mellal", "MA", &["ar", "fr"], Morocco),
    city("Nador", "MA", &["ar", "es", "fr"], Morocco),
    city("Safi", "MA", &["ar", "fr"], Morocco),
    city("Essaouira", "MA", &["ar", "fr", "en"], Morocco),
    city("Chiang Mai", "TH", &["th", "en"], Asean),
    city("Surabaya", "ID", &["id", "en"], Asean),
    city("Da Nang", "VN", &["vi", "en"], Asean),
    city("Cebu", "PH", &["fil", "en"], Asean),
    city("Penang", "MY", &["ms", "en", "zh"], Asean),
    city("Dakar", "SN", &["fr", "wo"], Francophone),
    city("Abidjan", "CI", &["fr"], Francophone),
    city("Lagos", "NG", &["en"], International),
    city("Nairobi", "KE", &["en", "sw"], International),
    city("Kigali", "RW", &["rw", "en", "fr"], Francophone),
    city("Tunis", "TN", &["ar", "fr"], Mena),
    city("Cairo", "EG", &["ar", "en"], Mena),
    city("Nouakchott", "MR", &["ar", "fr"], Mena),
    city("Accra", "GH", &["en"], International),
    city("Addis Ababa", "ET", &["am", "en"], International),
    city("Cape Town", "ZA", &["en", "af"], International),
    city("Lyon", "FR", &["fr", "en"], Francophone),
    city("Paris", "FR", &["fr", "en"], Francophone),
    city("Marseille", "FR", &["fr", "en"], Francophone),
    city("Bordeaux", "FR", &["fr", "en"], Francophone),
    city("Brussels", "BE", &["fr", "nl", "en"], Francophone),
    city("Montréal", "CA", &["fr", "en"], Francophone),
    city("Geneva", "CH", &["fr", "en"], Francophone),
    city("Barcelona", "ES", &["es", "ca", "en"], International),
    city("Madrid", "ES", &["es", "en"], International),
    city("Seville", "ES", &["es", "en"], International),
    city("Lisbon", "PT", &["pt", "en"], International),
    city("Porto", "PT", &["pt", "en"], International),
    city("Amsterdam", "NL", &["nl", "en"], International),
    city("Rotterdam", "NL", &["nl", "en"], International),
    city("Helsinki", "FI", &["fi", "en"], International),
    city("Tallinn", "EE", &["et", "en"], International),
    city("Vienna", "AT", &["de", "en"], International),
    city("Berlin", "DE", &["de", "en"], International),
    city("Hamburg", "DE", &["de", "en"], International),
    city("Milan", "IT", &["it", "en"], International),
    city("Turin", "IT", &["it", "en"], International),
    city("Toronto", "CA", &["en", "fr"], International),
    city("Boston", "US", &["en"], International),
    city("New York", "US", &["en", "es"], International),
    city("Medellín", "CO", &["es", "en"], International),
    city("Bogotá", "CO", &["es", "en"], International),
    city("São Paulo", "BR", &["pt", "en"], International),
    city("Mexico City", "MX", &["es", "en"], International),
    city("Santiago", "CL", &["es", "en"], International),
    city("Buenos Aires", "AR", &["es", "en"], International),
    city("Dubai", "AE", &["ar", "en"], Mena),
    city("Abu Dhabi", "AE", &["ar", "en"], Mena),
    city("Doha", "QA", &["ar", "en"], Mena),
    city("Riyadh", "SA", &["ar", "en"], Mena),
    city("Amman", "JO", &["ar", "en"], Mena),
    city("Istanbul", "TR", &["tr", "en"], International),
    city("Seoul", "KR", &["ko", "en"], International),
    city("Busan", "KR", &["ko", "en"], International),
    city("Tokyo", "JP", &["ja", "en"], International),
    city("Yokohama", "JP", &["ja", "en"], International),
    city("Shenzhen", "CN", &["zh", "en"], International),
    city("Shanghai", "CN", &["zh", "en"], International),
    city("Hangzhou", "CN", &["zh", "en"], International),
    city("Taipei", "TW", &["zh", "en"], International),
    city("Bengaluru", "IN", &["en", "hi", "kn"], International),
    city("Pune", "IN", &["en", "hi", "mr"], International),
    city("Melbourne", "AU", &["en"], International),
    city("Auckland", "NZ", &["en", "mi"], International),
];

/// A theme of the expo and short phrases for what one offers or seeks in it, as
/// `(English, French)` pairs.
pub(crate) struct Topic {
    pub name: &'static str,
    pub phrases: &'static [(&'static str, &'static str)],
}

pub(crate) const TOPICS: &[Topic] = &[
    Topic {
        name: "mobility",
        phrases: &[
            ("bus rapid transit planning", "planification de BHNS"),
            ("mobility-as-a-service app", "application de mobilité MaaS"),
            (
                "traffic signal optimisation",
                "optimisation des feux de circulation",
            ),
            ("electric bus fleets", "flottes de bus électriques"),
        ],
    },
    Topic {
        name: "flood resilience",
        phrases: &[
            ("flood sensors", "capteurs d'inondation"),
            ("flood early warning", "alerte précoce aux crues"),
            (
                "stormwater drainage modelling",
                "modélisation des réseaux pluviaux",
            ),
        ],
    },
    Topic {
        name: "smart grids",
        phrases: &[
            ("smart meters", "compteurs intelligents"),
            ("microgrid design", "conception de micro-réseaux"),
            ("solar rooftop aggregation", "agrégation solaire en toiture"),
        ],
    },
    Topic {
        name: "water",
        phrases: &[
            ("leak detection", "détection de fuites"),
            ("wastewater reuse", "réutilisation des eaux usées"),
            ("desalination monitoring", "suivi du dessalement"),
        ],
    },
    Topic {
        name: "waste",
        phrases: &[
            (
                "waste collection routing",
                "optimisation de la collecte des déchets",
            ),
            ("recycling sorting robots", "robots de tri sélectif"),
            ("smart bins", "poubelles connectées"),
        ],
    },
    Topic {
        name: "e-government",
        phrases: &[
            ("open data platform", "plateforme open data"),
            ("digital identity", "identité numérique"),
            ("online permits", "permis de construire en ligne"),
        ],
    },
    Topic {
        name: "AI for citizens",
        phrases: &[
            ("citizen chatbot in Darija", "chatbot citoyen en darija"),
            ("AI for public services", "IA au service des usagers"),
            ("responsible AI audits", "audit d'IA responsable"),
        ],
    },
    Topic {
        name: "digital twins",
        phrases: &[
            ("city digital twin", "jumeau numérique urbain"),
            ("3D urban modelling", "modélisation urbaine 3D"),
        ],
    },
    Topic {
        name: "air quality",
        phrases: &[
            ("low-cost air quality sensors", "capteurs de qualité de l'air"),
            ("pollution forecasting", "prévision de la pollution"),
        ],
    },
    Topic {
        name: "urban heat",
        phrases: &[
            ("heat island mapping", "cartographie des îlots de chaleur"),
            ("urban greening", "végétalisation urbaine"),
        ],
    },
    Topic {
        name: "public lighting",
        phrases: &[
            ("LED street lighting", "éclairage public LED"),
            ("adaptive lighting control", "pilotage intelligent de l'éclairage"),
        ],
    },
    Topic {
        name: "cybersecurity",
        phrases: &[
            (
                "critical infrastructure security",
                "sécurité des infrastructures critiques",
            ),
            ("security operations centre", "centre de supervision sécurité"),
        ],
    },
    Topic {
        name: "IoT and 5G",
        phrases: &[
            ("LoRaWAN city network", "réseau LoRaWAN municipal"),
            ("5G private networks", "réseaux 5G privés"),
        ],
    },
    Topic {
        name: "energy efficiency",
        phrases: &[
            ("building energy management", "gestion énergétique des bâtiments"),
            (
                "energy retrofit financing",
                "financement de la rénovation énergétique",
            ),
        ],
    },
    Topic {
        name: "urban planning",
        phrases: &[
            (
                "participatory planning tools",
                "outils de planification participative",
            ),
            ("land registry digitisation", "numérisation du cadastre"),
        ],
    },
    Topic {
        name: "smart tourism",
        phrases: &[
            ("visitor flow analytics", "analyse des flux touristiques"),
            ("heritage site apps", "applications pour la médina"),
        ],
    },
    Topic {
        name: "financing",
        phrases: &[
            ("public-private partnerships", "partenariats public-privé"),
            ("green bonds for cities", "obligations vertes municipales"),
            ("pilot project partners", "partenaires pour un projet pilote"),
        ],
    },
];

pub(crate) const COMPANY_PREFIXES: &[&str] = &[
    "Atlas",
    "Noor",
    "Anfa",
    "Sahara",
    "Argan",
    "Oasis",
    "Medina",
    "Zellige",
    "Siam",
    "Lotus",
    "Mekong",
    "Garuda",
    "Merlion",
    "Baobab",
    "Cedar",
    "Nova",
    "Helio",
    "Hydra",
    "Urba",
    "Civi",
    "Terra",
    "Blue",
    "Green",
    "Open",
    "Geo",
    "Flux",
    "Kinetic",
    "Vista",
    "Nexa",
    "Orbit",
    "Pulse",
    "Delta",
    "Aqua",
    "Volt",
    "Sense",
    "Loop",
    "Bouregreg",
    "Chao",
    "Orchid",
    "Tidal",
];

pub(crate) const COMPANY_WORDS: &[&str] = &[
    "Mobility",
    "Grid",
    "Water",
    "Data",
    "AI",
    "Twin",
    "Sensors",
    "Labs",
    "Systems",
    "Analytics",
    "Energy",
    "Solutions",
    "Networks",
    "Cloud",
    "Robotics",
    "Urban",
    "Tech",
    "Dynamics",
];

/// Given names and family names by region: `(given, family)`.
pub(crate) fn person_names(region: Region) -> (&'static [&'static str], &'static [&'static str]) {
    match region {
        Region::Morocco | Region::Mena => (
            &[
                "Youssef",
                "Fatima Zahra",
                "Mehdi",
                "Salma",
                "Omar",
                "Khadija",
                "Hamza",
                "Imane",
                "Yassine",
                "Nadia",
                "Karim",
                "Meryem",
                "Anas",
                "Hajar",
                "Reda",
                "Samira",
            ],
            &[
                "Alaoui",
                "Benali",
                "El Idrissi",
                "Bennani",
                "Tazi",
                "Chraibi",
                "Berrada",
                "El Fassi",
                "Ouazzani",
                "Amrani",
                "Benjelloun",
                "Lahlou",
                "Haddad",
                "Mansour",
            ],
        ),
        Region::Asean => (
            &[
                "Somchai",
                "Siriporn",
                "Nattapong",
                "Kanya",
                "Minh",
                "Lan",
                "Huong",
                "Budi",
                "Sari",
                "Aiko",
                "Wei Ling",
                "Jose",
                "Maria",
                "Sokha",
                "Aung",
            ],
            &[
                "Saengchai",
                "Wongsawat",
                "Nguyen",
                "Tran",
                "Santoso",
                "Wijaya",
                "Tan",
                "Lim",
                "Reyes",
                "Santos",
                "Chan",
                "Rahman",
                "Phommachanh",
                "Win",
            ],
        ),
        Region::Francophone => (
            &[
                "Camille", "Julien", "Claire", "Moussa", "Aminata", "Louis", "Sophie", "Thomas", "Awa",
                "Pierre",
            ],
            &[
                "Dubois", "Martin", "Diallo", "Traoré", "Lefebvre", "Moreau", "Ndiaye", "Girard", "Lambert",
            ],
        ),
        Region::International => (
            &[
                "Maria", "David", "Amina", "Kwame", "Ji-woo", "Wei", "Sara", "Lucas", "Priya", "Kenji",
                "Elena", "Daniel", "Ana", "Mateo",
            ],
            &[
                "Garcia", "Silva", "Okafor", "Mensah", "Kim", "Chen", "Tanaka", "Rossi", "Schmidt", "Patel",
                "Novak", "Jansen", "Costa", "Smith",
            ],
        ),
    }
}

/// Institution names; `{}` is the city.
pub(crate) const INSTITUTIONS_EN: &[&str] = &[
    "{} Urban Agency",
    "{} Water Authority",
    "{} Transport Authority",
    "{} Chamber of Commerce",
    "{} Innovation Hub",
    "{} Environment Office",
];

/// Institution names in French; `{}` is the city.
pub(crate) const INSTITUTIONS_FR: &[&str] = &[
    "Agence urbaine de {}",
    "Régie de distribution d'eau et d'électricité de {}",
    "Société de développement local {} Mobilité",
    "Chambre de commerce de {}",
    "Technopark {}",
    "Observatoire de l'environnement de {}",
];

/// Names of the equipped meeting rooms, after places of Casablanca and Bangkok.
pub(crate) const ROOM_NAMES: &[&str] = &[
    "Salle Anfa",
    "Salle Hassan II",
    "Salle Bouregreg",
    "Chao Phraya Room",
    "Salle Atlas",
    "Salle Oum Er-Rbia",
    "Salle Zerktouni",
    "Lumphini Room",
    "Salle Ain Diab",
    "Salle Habous",
];

/// ASCII lower-case id part: "Fès" → "fes", "Ho Chi Minh City" → "ho-chi-minh-city".
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let plain = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'À' | 'Â' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'í' | 'î' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '-',
        };
        if plain == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(plain);
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain_ascii() {
        assert_eq!(slug("Fès"), "fes");
        assert_eq!(slug("Ho Chi Minh City"), "ho-chi-minh-city");
        assert_eq!(slug("Laâyoune"), "laayoune");
        assert_eq!(slug("São Paulo"), "sao-paulo");
    }

    #[test]
    fn city_slugs_are_unique() {
        let mut slugs: Vec<_> = CITIES.iter().map(|c| slug(c.name)).collect();
        slugs.sort();
        let before = slugs.len();
        slugs.dedup();
        assert_eq!(before, slugs.len());
        assert!(CITIES.len() >= 80, "the expo has delegations from 80+ cities");
    }
}
