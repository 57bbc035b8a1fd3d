//! Time to quality: the objective and the bound of a solve over time, read from the
//! child's `--progress-log`, as a table of checkpoints and an SVG plot.
//!
//! The plot is written by hand: plotters, the usual crate, needs a font backend
//! (fontconfig and FreeType, or a bundled font) to place its text, and a few lines and
//! labels in SVG need neither.

use std::fmt::Write;
use std::path::Path;

use crate::report::thousands;

/// One progress report of the solver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub seconds: f64,
    pub incumbent: i64,
    pub bound: Option<i64>,
}

/// A solve's reports in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace(pub Vec<Point>);

impl Trace {
    /// Reads a `rendezvous solve --progress-log` file.
    pub fn read(path: &Path) -> Result<Self, String> {
        let text =
            std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
        Self::parse(&text).map_err(|err| format!("{}: {err}", path.display()))
    }

    fn parse(text: &str) -> Result<Self, String> {
        let mut points = Vec::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let bad = |what: &str| format!("line {}: {what}", n + 1);
            let report: serde_json::Value =
                serde_json::from_str(line).map_err(|err| bad(&err.to_string()))?;
            points.push(Point {
                seconds: report["elapsed_seconds"]
                    .as_f64()
                    .ok_or_else(|| bad("no elapsed_seconds"))?,
                incumbent: report["incumbent"].as_i64().ok_or_else(|| bad("no incumbent"))?,
                bound: report["bound"].as_i64(),
            });
        }
        Ok(Self(points))
    }

    /// The best schedule's objective and the best bound known at `seconds` (`None`
    /// before the first schedule).
    pub fn at(&self, seconds: f64) -> Option<Point> {
        self.0.iter().take_while(|p| p.seconds <= seconds).last().copied()
    }
}

/// A solve's trace with what the table and the plot compare it with.
pub struct Series<'a> {
    pub name: &'a str,
    /// The first-come-first-served objective on the same problem (the targets' unit).
    pub greedy: i64,
    /// The solve's time limit: checkpoints after it are not filled in.
    pub limit: f64,
    pub trace: &'a Trace,
}

/// The checkpoints of the table, in seconds.
const CHECKPOINTS: [f64; 9] = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0];

/// Per problem and checkpoint: objective / greedy and the gap to the bound known then.
pub fn render_table(series: &[Series]) -> String {
    let longest = series.iter().map(|s| s.limit).fold(0.0, f64::max);
    let columns: Vec<f64> = CHECKPOINTS
        .iter()
        .copied()
        .filter(|&c| c <= longest + 1e-9)
        .collect();
    let mut out = String::new();
    let _ = write!(out, "| problem | greedy |");
    for c in &columns {
        let _ = write!(out, " {c:.0} s |");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "| --- | ---: |{}", " ---: |".repeat(columns.len()));
    for s in series {
        let _ = write!(out, "| {} | {} |", s.name, thousands(s.greedy));
        for &c in &columns {
            let cell = if c > s.limit + 1e-9 {
                String::new()
            } else {
                match s.trace.at(c) {
                    None => "–".to_string(),
                    Some(p) => {
                        let gap = p.bound.map_or("no bound".to_string(), |b| {
                            format!("{:.2} %", (b - p.incumbent) as f64 * 100.0 / b.max(1) as f64)
                        });
                        format!("{} ({gap})", ratio(p.incumbent, s.greedy))
                    }
                }
            };
            let _ = write!(out, " {cell} |");
        }
        let _ = writeln!(out);
    }
    out
}

fn ratio(objective: i64, greedy: i64) -> String {
    if greedy > 0 {
        format!("{:.4}×", objective as f64 / greedy as f64)
    } else {
        thousands(objective)
    }
}

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 420.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 50.0;
const COLOURS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
];

/// Objective / greedy (solid) and bound / greedy (dashed) against seconds on a log axis,
/// one colour per problem.
pub fn render_svg(title: &str, series: &[Series]) -> String {
    let t_max = series.iter().map(|s| s.limit).fold(1.0, f64::max);
    let t_min = 0.1_f64;
    let ratios = series.iter().flat_map(|s| {
        s.trace.0.iter().flat_map(move |p| {
            std::iter::once(p.incumbent)
                .chain(p.bound)
                .map(move |v| v as f64 / s.greedy.max(1) as f64)
        })
    });
    let (mut y_min, mut y_max) = ratios.fold((1.0_f64, 1.0_f64), |(lo, hi), r| (lo.min(r), hi.max(r)));
    // Keep the plot readable when a bound starts far above (the first LP bounds).
    y_max = y_max.min(1.15);
    y_min = y_min.max(0.9);
    let pad = ((y_max - y_min) * 0.05).max(0.002);
    let (y_min, y_max) = (y_min - pad, y_max + pad);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |t: f64| LEFT + (t.max(t_min).ln() - t_min.ln()) / (t_max.ln() - t_min.ln()) * plot_w;
    let y = |r: f64| TOP + (y_max - r.clamp(y_min, y_max)) / (y_max - y_min) * plot_h;

    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{LEFT}" y="18" font-size="14">{}</text>"#,
        escape(title)
    );
    // Axes, ticks and grid.
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#444"/>"##
    );
    for t in [0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0] {
        if t > t_max + 1e-9 {
            continue;
        }
        let xt = x(t);
        let _ = writeln!(
            svg,
            r##"<line x1="{xt:.1}" y1="{TOP}" x2="{xt:.1}" y2="{:.1}" stroke="#ddd"/><text x="{xt:.1}" y="{:.1}" text-anchor="middle">{t}</text>"##,
            TOP + plot_h,
            TOP + plot_h + 16.0
        );
    }
    let step = nice_step((y_max - y_min) / 6.0);
    let mut r = (y_min / step).ceil() * step;
    while r <= y_max {
        let yr = y(r);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{yr:.1}" x2="{:.1}" y2="{yr:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{r:.3}</text>"##,
            LEFT + plot_w,
            LEFT - 6.0,
            yr + 4.0
        );
        r += step;
    }
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">seconds (log scale)</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 10.0
    );
    let _ = writeln!(
        svg,
        r#"<text transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">objective ÷ greedy (solid), bound ÷ greedy (dashed)</text>"#,
        TOP + plot_h / 2.0
    );
    // One solid step line for the objective, one dashed for the bound, per problem.
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let greedy = s.greedy.max(1) as f64;
        let objective: Vec<(f64, f64)> = s
            .trace
            .0
            .iter()
            .map(|p| (p.seconds, p.incumbent as f64 / greedy))
            .collect();
        let bound: Vec<(f64, f64)> = s
            .trace
            .0
            .iter()
            .filter_map(|p| p.bound.map(|b| (p.seconds, b as f64 / greedy)))
            .collect();
        for (points, dash) in [(objective, ""), (bound, r#" stroke-dasharray="5 4""#)] {
            if points.is_empty() {
                continue;
            }
            let mut path = String::new();
            for (j, &(t, r)) in points.iter().enumerate() {
                if j > 0 {
                    // A step: the value holds until the next report.
                    let _ = write!(path, " L{:.1},{:.1}", x(t), y(points[j - 1].1));
                }
                let _ = write!(path, "{}{:.1},{:.1}", if j == 0 { "M" } else { " L" }, x(t), y(r));
            }
            let last = points[points.len() - 1].1;
            let _ = write!(path, " L{:.1},{:.1}", x(s.limit), y(last));
            let _ = writeln!(
                svg,
                r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.8"{dash}/>"#
            );
        }
        let ly = TOP + 14.0 + 18.0 * i as f64;
        let lx = LEFT + plot_w + 12.0;
        let _ = writeln!(
            svg,
            r#"<line x1="{lx:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{colour}" stroke-width="2"/><text x="{:.1}" y="{ly:.1}">{}</text>"#,
            ly - 4.0,
            lx + 18.0,
            ly - 4.0,
            lx + 24.0,
            escape(s.name)
        );
    }
    let _ = writeln!(svg, "</svg>");
    svg
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.max(1e-9).log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = r#"{"incumbent":100,"bound":null,"gap":null,"elapsed_seconds":0.5,"phase":"construct"}
{"incumbent":100,"bound":120,"gap":0.1667,"elapsed_seconds":1.5,"phase":"lp bound"}
{"incumbent":110,"bound":120,"gap":0.0833,"elapsed_seconds":4.0,"phase":"anneal"}
"#;

    #[test]
    fn a_trace_answers_what_was_known_at_each_moment() {
        let trace = Trace::parse(LOG).unwrap();
        assert_eq!(trace.at(0.1), None);
        assert_eq!(trace.at(1.0).map(|p| (p.incumbent, p.bound)), Some((100, None)));
        assert_eq!(
            trace.at(2.0).map(|p| (p.incumbent, p.bound)),
            Some((100, Some(120)))
        );
        assert_eq!(trace.at(10.0).map(|p| p.incumbent), Some(110));
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = Trace::parse("{\"incumbent\": 1, \"elapsed_seconds\": 0.1}\nnot json\n").unwrap_err();
        assert!(err.starts_with("line 2:"), "{err}");
    }

    #[test]
    fn the_table_gives_ratio_and_gap_up_to_each_limit() {
        let trace = Trace::parse(LOG).unwrap();
        let series = [Series {
            name: "p",
            greedy: 100,
            limit: 5.0,
            trace: &trace,
        }];
        let table = render_table(&series);
        let row = table.lines().nth(2).unwrap();
        assert_eq!(
            row,
            "| p | 100 | 1.0000× (no bound) | 1.0000× (16.67 %) | 1.1000× (8.33 %) |"
        );
        assert!(
            table.starts_with("| problem | greedy | 1 s | 2 s | 5 s |"),
            "{table}"
        );
    }

    #[test]
    fn the_plot_draws_both_lines_and_names_the_problem() {
        let trace = Trace::parse(LOG).unwrap();
        let svg = render_svg(
            "t <1>",
            &[Series {
                name: "pub-s",
                greedy: 100,
                limit: 10.0,
                trace: &trace,
            }],
        );
        assert!(svg.starts_with("<svg"));
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("stroke-dasharray"));
        assert!(svg.contains(">pub-s</text>"));
        assert!(svg.contains("t &lt;1&gt;"));
    }
}
