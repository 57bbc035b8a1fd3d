//! A form's errors beside their fields, in the page's language: each broken rule is its own
//! Fluent message (`err-<code>`), naming the field (`field-<name>`, with the entry's number
//! for an item of a list) and the values the rule gives.

use maud::{Markup, html};

use crate::domain::{FieldError, Invalid};
use crate::i18n::Lang;

/// The errors of one submitted form.
pub struct FieldErrors<'a> {
    lang: Lang,
    errors: &'a Invalid,
}

impl<'a> FieldErrors<'a> {
    pub fn new(lang: Lang, errors: &'a Invalid) -> Self {
        Self { lang, errors }
    }

    /// The errors of `field` (its pointer `/field`, or an item's `/field/3`).
    fn of(&self, field: &'a str) -> impl Iterator<Item = &'a FieldError> + 'a {
        self.errors.0.iter().filter(move |e| {
            e.pointer
                .strip_prefix('/')
                .and_then(|rest| rest.strip_prefix(field))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    pub fn has(&self, field: &'a str) -> bool {
        self.of(field).next().is_some()
    }

    /// `aria-invalid` of the field's input.
    pub fn invalid(&self, field: &'a str) -> Option<&'static str> {
        self.has(field).then_some("true")
    }

    /// `aria-describedby` of the field's input: its error paragraph.
    pub fn described(&self, field: &'a str) -> Option<String> {
        self.has(field).then(|| format!("{field}-error"))
    }

    /// The paragraph beside the field, one line per broken rule (nothing when none is).
    pub fn beside(&self, field: &'a str) -> Markup {
        let messages: Vec<String> = self.of(field).map(|e| self.message(field, e)).collect();
        html! {
            @if !messages.is_empty() {
                p id=(format!("{field}-error")) class="error" {
                    @for (i, message) in messages.iter().enumerate() {
                        @if i > 0 { br; }
                        (message)
                    }
                }
            }
        }
    }

    /// The paragraph beside a field the organiser's forms name themselves (a day's date,
    /// its sessions): the errors at `pointer` or under it, the field called `name`.
    pub fn beside_named(&self, pointer: &str, id: &str, name: String) -> Markup {
        self.paragraph(id, |p| under(p, pointer), &name)
    }

    /// The same, for the errors at `pointer` itself only (a whole list, not its items).
    pub fn beside_exact(&self, pointer: &str, id: &str, name: String) -> Markup {
        self.paragraph(id, |p| p == pointer, &name)
    }

    /// Whether anything is broken at `pointer` or under it.
    pub fn has_under(&self, pointer: &str) -> bool {
        self.errors.0.iter().any(|e| under(&e.pointer, pointer))
    }

    fn paragraph(&self, id: &str, matches: impl Fn(&str) -> bool, name: &str) -> Markup {
        let messages: Vec<String> = self
            .errors
            .0
            .iter()
            .filter(|e| matches(&e.pointer))
            .map(|e| {
                let mut args = e.rule.args();
                args.push(("field", name.to_string()));
                self.lang.ta(&format!("err-{}", e.rule.code()), &args)
            })
            .collect();
        html! {
            @if !messages.is_empty() {
                p id=(id) class="error" {
                    @for (i, message) in messages.iter().enumerate() {
                        @if i > 0 { br; }
                        (message)
                    }
                }
            }
        }
    }

    fn message(&self, field: &str, error: &FieldError) -> String {
        let lang = self.lang;
        let mut name = lang.t(&format!("field-{field}"));
        // An item of a list: its number, counted from 1 as people count.
        let item = error
            .pointer
            .rsplit_once('/')
            .filter(|(head, _)| head.len() > 1)
            .and_then(|(_, index)| index.parse::<usize>().ok());
        if let Some(index) = item {
            name = lang.ta(
                "err-item",
                &[("field", name), ("number", (index + 1).to_string())],
            );
        }
        let mut args = error.rule.args();
        args.push(("field", name));
        lang.ta(&format!("err-{}", error.rule.code()), &args)
    }
}

/// Whether `pointer` is `prefix` or one of its items.
fn under(pointer: &str, prefix: &str) -> bool {
    pointer
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Rule;

    #[test]
    fn every_rule_and_field_is_said_in_every_language() {
        for lang in Lang::ALL {
            let ids = crate::i18n::message_ids(lang);
            for key in Rule::CODES
                .iter()
                .map(|code| format!("err-{code}"))
                .chain(["err-item".into()])
            {
                assert!(ids.contains(&key), "{lang:?} {key}");
            }
        }
    }

    #[test]
    fn a_rule_names_its_field_and_item() {
        let mut errors = Invalid::default();
        errors.broke("/topics/2", Rule::TooLong { max: 200 });
        errors.broke("/topicsx", Rule::Required);
        let shown = FieldErrors::new(Lang::En, &errors);
        assert!(shown.has("topics") && !shown.has("topic"));
        let text = shown.beside("topics").into_string();
        assert!(
            text.contains("Topics, entry 3: 200 characters at most."),
            "{text}"
        );
        let fr = FieldErrors::new(Lang::Fr, &errors).beside("topics").into_string();
        assert!(fr.contains("Thèmes, entrée 3 : 200 caractères au plus."), "{fr}");
    }
}
