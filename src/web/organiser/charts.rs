//! Inline SVG bar charts for the dashboard, each beside its text alternative: a horizontal
//! bar list whose labels and figures are HTML text (the bars are drawn, the numbers read),
//! and a column chart per day whose figures are a table.

use maud::{Markup, html};

/// One bar: its label, its value as text, and its length as a share of the longest (0–1).
pub struct Bar {
    pub label: String,
    pub value: String,
    pub share: f64,
}

/// Horizontal bars: each row its label, a drawn bar (hidden from assistive technology: the
/// figure beside it says the same) and its figure.
pub fn bars(class: &str, bars: &[Bar]) -> Markup {
    html! {
        ul class=(format!("bars {class}")) {
            @for bar in bars {
                li {
                    span class="bar-label" { (bar.label) }
                    svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false" {
                        rect x="0" y="0" width="100" height="10" class="bar-track" {}
                        rect x="0" y="0" width=(format!("{:.1}", 100.0 * bar.share.clamp(0.0, 1.0))) height="10" class="bar-fill" {}
                    }
                    span class="bar-value" { (bar.value) }
                }
            }
        }
    }
}

/// One column: its value and the most it could be.
pub struct Column {
    pub value: u32,
    pub most: u32,
}

/// Columns in time order, as one image named by `title` and summed up by `summary`; the
/// figures themselves are the caller's table.
pub fn columns(id: &str, title: &str, summary: &str, columns: &[Column]) -> Markup {
    let most = columns
        .iter()
        .map(|c| c.most.max(c.value))
        .max()
        .unwrap_or(0)
        .max(1);
    let width = (columns.len() * 10).max(10);
    html! {
        svg class="columns" viewBox=(format!("0 0 {width} 100")) preserveAspectRatio="none"
            role="img" aria-labelledby=(format!("{id}-title {id}-desc")) {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (summary) }
            @for (i, c) in columns.iter().enumerate() {
                @let open = 100.0 * f64::from(c.most) / f64::from(most);
                @let used = 100.0 * f64::from(c.value) / f64::from(most);
                rect x=(i * 10 + 1) y=(format!("{:.1}", 100.0 - open)) width="8" height=(format!("{open:.1}")) class="bar-track" {}
                rect x=(i * 10 + 1) y=(format!("{:.1}", 100.0 - used)) width="8" height=(format!("{used:.1}")) class="bar-fill" {}
            }
        }
    }
}
