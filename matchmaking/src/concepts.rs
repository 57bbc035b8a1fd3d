//! The bilingual concept table: French and English words (or short phrases) that mean the
//! same thing in this domain, mapped to one canonical concept.
//!
//! Stemming and accent folding already join `capteurs`/`capteur` and `énergie`/`energie`;
//! this table is only for true translations and synonyms that share no stem
//! (`inondation` ↔ `flood`, `données ouvertes` ↔ `open data`). Entries are written in their
//! ordinary spelling: the analyzer folds and stems them with the same rules as profile text.

/// One concept: its canonical name and how it is written in English and in French.
#[derive(Debug, Clone, Copy)]
pub struct Concept {
    /// Canonical name, also the concept's term in the index.
    pub name: &'static str,
    /// English words or phrases for it.
    pub en: &'static [&'static str],
    /// French words or phrases for it.
    pub fr: &'static [&'static str],
}

const fn concept(name: &'static str, en: &'static [&'static str], fr: &'static [&'static str]) -> Concept {
    Concept { name, en, fr }
}

/// Every concept the matcher knows. Keep it short and domain-specific: a wrong synonym costs
/// more (false matches with confident reasons) than a missing one.
pub const CONCEPTS: &[Concept] = &[
    // water and climate
    concept("flood", &["flood", "flooding"], &["inondation", "crue"]),
    concept("water", &["water"], &["eau"]),
    concept(
        "wastewater",
        &["wastewater", "sewage"],
        &["eaux usées", "assainissement"],
    ),
    concept(
        "stormwater",
        &["stormwater", "rainwater", "rainfall"],
        &["eaux pluviales", "pluie"],
    ),
    concept("leak", &["leak", "leakage"], &["fuite"]),
    concept("drought", &["drought"], &["sécheresse"]),
    concept("heat", &["heat"], &["chaleur"]),
    concept(
        "heatwave",
        &["heatwave", "heat wave"],
        &["canicule", "vague de chaleur"],
    ),
    concept("heat_island", &["heat island"], &["îlot de chaleur"]),
    concept("weather", &["weather"], &["météo", "météorologie"]),
    concept("air_quality", &["air quality"], &["qualité de l'air"]),
    concept("noise", &["noise"], &["bruit", "nuisance sonore"]),
    concept("green_space", &["green space", "urban park"], &["espace vert"]),
    concept("tree", &["tree"], &["arbre"]),
    // mobility
    concept("mobility", &["mobility"], &["mobilité"]),
    concept("transport", &["transport", "transportation"], &["transport"]),
    concept(
        "public_transport",
        &["public transport", "public transit", "mass transit"],
        &["transport public", "transport en commun"],
    ),
    concept(
        "traffic",
        &["traffic", "road traffic"],
        &["trafic", "circulation", "circulation routière"],
    ),
    concept("parking", &["parking", "car park"], &["stationnement"]),
    concept("bicycle", &["bicycle", "bike", "cycling"], &["vélo", "cyclable"]),
    concept(
        "electric_vehicle",
        &["electric vehicle", "ev"],
        &["véhicule électrique"],
    ),
    concept(
        "charging",
        &["charging", "charger"],
        &["recharge", "borne de recharge"],
    ),
    concept("ticketing", &["ticketing"], &["billettique"]),
    concept("road", &["road", "street"], &["route", "rue", "voirie"]),
    // energy and buildings
    concept("energy", &["energy"], &["énergie"]),
    concept(
        "solar",
        &["solar", "photovoltaic", "pv"],
        &["solaire", "photovoltaïque"],
    ),
    concept(
        "smart_grid",
        &["smart grid"],
        &["réseau intelligent", "réseau électrique intelligent"],
    ),
    concept("storage", &["storage"], &["stockage"]),
    concept("lighting", &["lighting"], &["éclairage"]),
    concept(
        "street_lighting",
        &["street lighting", "public lighting", "streetlight"],
        &["éclairage public"],
    ),
    concept("building", &["building"], &["bâtiment"]),
    concept("housing", &["housing"], &["logement"]),
    concept("meter", &["meter", "metering"], &["compteur", "comptage"]),
    // waste
    concept(
        "waste",
        &["waste", "garbage"],
        &["déchet", "ordure", "ordures ménagères"],
    ),
    concept("recycling", &["recycling"], &["recyclage"]),
    // digital
    concept("data", &["data"], &["données"]),
    concept("open_data", &["open data"], &["données ouvertes"]),
    concept("digital", &["digital"], &["numérique"]),
    concept("digital_twin", &["digital twin"], &["jumeau numérique"]),
    concept(
        "artificial_intelligence",
        &["artificial intelligence", "ai"],
        &["intelligence artificielle", "ia"],
    ),
    concept(
        "machine_learning",
        &["machine learning"],
        &["apprentissage automatique"],
    ),
    concept("sensor", &["sensor"], &["capteur"]),
    concept("dashboard", &["dashboard"], &["tableau de bord"]),
    concept("software", &["software"], &["logiciel"]),
    concept("platform", &["platform"], &["plateforme"]),
    concept("map", &["map", "mapping"], &["carte", "cartographie"]),
    concept(
        "forecast",
        &["forecast", "forecasting", "prediction"],
        &["prévision", "prédiction"],
    ),
    concept("alert", &["alert", "warning"], &["alerte"]),
    concept("early_warning", &["early warning"], &["alerte précoce"]),
    concept("network", &["network"], &["réseau"]),
    concept(
        "video_surveillance",
        &["video surveillance", "cctv"],
        &["vidéosurveillance", "vidéoprotection"],
    ),
    concept(
        "e_government",
        &["e-government", "digital public services"],
        &["administration numérique"],
    ),
    concept("payment", &["payment"], &["paiement"]),
    // people and services
    concept(
        "city",
        &["city", "municipality", "local authority"],
        &["ville", "municipalité", "commune", "collectivité"],
    ),
    concept("citizen", &["citizen", "resident"], &["citoyen", "habitant"]),
    concept("health", &["health", "healthcare"], &["santé"]),
    concept("safety", &["safety", "security"], &["sécurité"]),
    concept("emergency", &["emergency", "crisis"], &["urgence", "crise"]),
    concept("training", &["training"], &["formation"]),
    concept("education", &["education"], &["éducation", "enseignement"]),
    concept(
        "funding",
        &["funding", "financing", "investment"],
        &["financement", "investissement"],
    ),
    concept("consulting", &["consulting", "advisory"], &["conseil"]),
    concept(
        "urban_planning",
        &["urban planning"],
        &["urbanisme", "aménagement urbain"],
    ),
    concept("agriculture", &["farming"], &["agriculture"]),
];

/// Narrower concept → the broader one it implies: an `early warning` is an `alert`, so a
/// phrase with the first is indexed with both and matches a plain `alertes` too.
pub const BROADER: &[(&str, &str)] = &[
    ("early_warning", "alert"),
    ("open_data", "data"),
    ("digital_twin", "digital"),
    ("heat_island", "heat"),
    ("heatwave", "heat"),
    ("street_lighting", "lighting"),
    ("public_transport", "transport"),
    ("smart_grid", "energy"),
    ("wastewater", "water"),
    ("e_government", "digital"),
];
