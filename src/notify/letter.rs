//! A message's content as blocks, written once and rendered twice: plain text and HTML
//! (escaped by maud, `lang` and `dir` set for the recipient's language).

use maud::{DOCTYPE, html};

use crate::i18n::Lang;

/// One part of a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(String),
    /// Someone else's words (a request's message).
    Quote(String),
    /// A call to action.
    Link {
        label: String,
        url: String,
    },
    /// A titled list (a meeting's details, an agenda).
    List {
        title: Option<String>,
        items: Vec<String>,
    },
    /// Small print.
    Note(String),
}

/// A message ready to be rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    pub lang: Lang,
    pub subject: String,
    pub blocks: Vec<Block>,
}

impl Letter {
    /// The plain-text body.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Paragraph(text) | Block::Note(text) => out.push_str(text),
                Block::Quote(text) => {
                    let quoted: Vec<String> = text.lines().map(|l| format!("> {l}")).collect();
                    out.push_str(&quoted.join("\n"));
                }
                Block::Link { label, url } => out.push_str(&format!("{label}: {url}")),
                Block::List { title, items } => {
                    if let Some(title) = title {
                        out.push_str(title);
                        out.push('\n');
                    }
                    let lines: Vec<String> = items.iter().map(|i| format!("- {i}")).collect();
                    out.push_str(&lines.join("\n"));
                }
            }
            out.push_str("\n\n");
        }
        out.trim_end().to_string() + "\n"
    }

    /// The HTML body.
    pub fn html(&self) -> String {
        let dir = self.lang.dir();
        html! {
            (DOCTYPE)
            html lang=(self.lang.code()) dir=(dir) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.subject) }
                }
                body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 36em; margin: 1em auto; padding: 0 1em" {
                    @for block in &self.blocks {
                        @match block {
                            Block::Paragraph(text) => p { (text) },
                            Block::Quote(text) => blockquote style="border-inline-start: 3px solid #999; margin: 0; padding-inline-start: 1em; white-space: pre-wrap" { (text) },
                            Block::Link { label, url } => p {
                                a href=(url) style="display: inline-block; padding: .5em 1em; background: #0b5394; color: #fff; text-decoration: none; border-radius: 4px" { (label) }
                            },
                            Block::List { title, items } => {
                                @if let Some(title) = title { h2 style="font-size: 1.1em" { (title) } }
                                ul { @for item in items { li { (item) } } }
                            },
                            Block::Note(text) => p style="color: #555; font-size: .9em" { (text) },
                        }
                    }
                }
            }
        }
        .into_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_say_the_same_and_html_is_escaped() {
        let letter = Letter {
            lang: Lang::Ar,
            subject: "Sujet".into(),
            blocks: vec![
                Block::Paragraph("Bonjour <script>".into()),
                Block::Quote("ligne 1\nligne 2".into()),
                Block::Link {
                    label: "Ouvrir".into(),
                    url: "https://expo.example/login?token=a&b".into(),
                },
                Block::List {
                    title: Some("Agenda".into()),
                    items: vec!["10:00 Table 1".into()],
                },
            ],
        };
        let text = letter.text();
        assert!(text.contains("Bonjour <script>"), "{text}");
        assert!(text.contains("> ligne 2"), "{text}");
        assert!(
            text.contains("Ouvrir: https://expo.example/login?token=a&b"),
            "{text}"
        );
        let html = letter.html();
        assert!(html.contains("Bonjour &lt;script&gt;"), "{html}");
        assert!(html.contains(r#"dir="rtl""#), "{html}");
        assert!(html.contains("token=a&amp;b"), "{html}");
        assert!(html.contains("<li>10:00 Table 1</li>"), "{html}");
    }
}
