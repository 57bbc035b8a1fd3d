//! The reference results of the benchmark instances: the table in their README.md.

/// Time limit of an instance the reference table does not list, in seconds before scaling.
pub const DEFAULT_TIME_LIMIT: f64 = 60.0;

/// One row of the reference table in the instances' README.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub problem: String,
    pub limit_seconds: f64,
    /// The greedy objective, `None` when there is no schedule.
    pub greedy: Option<i64>,
    pub greedy_text: String,
    pub cp_sat: Option<i64>,
    pub cp_sat_text: String,
    pub lp_bound: Option<i64>,
}

/// The number a table cell starts with: `"3,390 (optimal)"` → 3390, `"no schedule"` → none.
fn leading_number(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    let digits: String = cell
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '-')
        .filter(|c| *c != ',')
        .collect();
    digits.parse().ok()
}

/// Reads the reference table (`| problem | limit | greedy objective | CP-SAT objective | LP
/// bound |`) out of the instances' README; columns are found by their header.
pub fn parse_reference_table(markdown: &str) -> Vec<Reference> {
    let mut references = Vec::new();
    let mut columns: Option<(usize, usize, usize, usize, usize)> = None;
    for line in markdown.lines() {
        let line = line.trim();
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let find = |name: &str| cells.iter().position(|c| c.to_lowercase().starts_with(name));
        if let (Some(p), Some(l), Some(g), Some(c), Some(b)) = (
            find("problem"),
            find("limit"),
            find("greedy"),
            find("cp-sat"),
            find("lp bound"),
        ) {
            columns = Some((p, l, g, c, b));
            continue;
        }
        let Some((p, l, g, c, b)) = columns else { continue };
        if cells
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':' || ch == ' '))
        {
            continue;
        }
        let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
        let limit: String = cell(l)
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        references.push(Reference {
            problem: cell(p).to_string(),
            limit_seconds: limit.parse().unwrap_or(DEFAULT_TIME_LIMIT),
            greedy: leading_number(cell(g)),
            greedy_text: cell(g).to_string(),
            cp_sat: leading_number(cell(c)),
            cp_sat_text: cell(c).to_string(),
            lp_bound: leading_number(cell(b)),
        });
    }
    references
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const README: &str = "intro\n\n| problem | participants |\n| --- | --- |\n| pub-tiny | 40 |\n\n\
| problem | limit | greedy objective | CP-SAT objective | LP bound |\n| --- | --- | --- | --- | --- |\n\
| pub-tiny | 60 s | 3,308 | 3,390 (optimal) | 3,390 |\n\
| pub-m | 60 s | 141,289 | no schedule | 150,150 * |\n\
| pub-forum-1 | 30 s | 239,858 (240/250 held, 142 waits) | 249,951 (250/250, 49 waits) | 250,000 |\n\nafter\n";

    #[test]
    fn reference_table_is_read_by_column_name() {
        let refs = parse_reference_table(README);
        assert_eq!(refs.len(), 3, "{refs:?}");
        assert_eq!(refs[0].problem, "pub-tiny");
        assert_eq!(refs[0].limit_seconds, 60.0);
        assert_eq!(
            (refs[0].greedy, refs[0].cp_sat, refs[0].lp_bound),
            (Some(3308), Some(3390), Some(3390))
        );
        assert_eq!((refs[1].cp_sat, refs[1].lp_bound), (None, Some(150_150)));
        assert_eq!(refs[1].cp_sat_text, "no schedule");
        assert_eq!((refs[2].limit_seconds, refs[2].greedy), (30.0, Some(239_858)));
    }

    #[test]
    fn the_shared_readme_parses_when_present() {
        // The shared directory sits next to the repository (main) or two levels up
        // (worktrees); this crate is one level down.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let Some(text) = [
            "../../shared/instances/README.md",
            "../../../shared/instances/README.md",
        ]
        .iter()
        .find_map(|p| std::fs::read_to_string(root.join(p)).ok()) else {
            return;
        };
        let refs = parse_reference_table(&text);
        let names: Vec<&str> = refs.iter().map(|r| r.problem.as_str()).collect();
        assert!(names.contains(&"pub-s") && names.contains(&"pub-l"), "{names:?}");
        assert!(
            refs.iter().all(|r| r.lp_bound.is_some() && r.greedy.is_some()),
            "{refs:?}"
        );
    }

    #[test]
    fn cells_are_read_by_their_leading_number() {
        assert_eq!(leading_number(" 464,175 * "), Some(464_175));
        assert_eq!(leading_number("no schedule"), None);
    }
}
