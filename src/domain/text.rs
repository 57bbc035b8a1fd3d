//! Free text as the expo stores it. Every text field is one line (names, organisations,
//! cities, labels, room and event names: they go into headings, lists, CSV cells and
//! calendar properties) except the few a person writes as a letter — a request's message
//! and a cancellation's reason, typed into a `textarea` — which may hold line breaks and
//! tabs. No field may hold any other control character (Unicode `Cc`: C0, DEL, C1): a NUL
//! cannot be stored by PostgreSQL at all, a bare CR breaks calendar and mail lines, an ESC
//! rewrites a terminal. A form's CRLF is read as one line break, as HTML forms send it.

use super::{Invalid, Rule};

/// The first control character of a one-line text, if any.
pub fn control_in_line(value: &str) -> Option<char> {
    value.chars().find(|c| c.is_control())
}

/// The first control character a multi-line text may not hold (all but `\n` and `\t`), if
/// any, once CRLF is read as `\n`.
fn control_in_paragraph(value: &str) -> Option<char> {
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => {}
            '\r' if chars.peek() == Some(&'\n') => {}
            c if c.is_control() => return Some(c),
            _ => {}
        }
    }
    None
}

/// The rule a control character breaks, naming it as `U+000D`.
pub fn control_rule(c: char) -> Rule {
    Rule::ControlCharacter {
        value: format!("U+{:04X}", u32::from(c)),
    }
}

/// Records a control character in a one-line text; true when there was none.
pub fn check_line(value: &str, pointer: &str, errors: &mut Invalid) -> bool {
    match control_in_line(value) {
        Some(c) => {
            errors.broke(pointer, control_rule(c));
            false
        }
        None => true,
    }
}

/// Checks a required one-line text: trimmed, non-empty, at most `max` characters, no
/// control character.
pub fn text(value: &str, max: usize, pointer: &str, errors: &mut Invalid) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.broke(pointer, Rule::Required);
    } else if value.chars().count() > max {
        errors.broke(pointer, Rule::TooLong { max });
    } else {
        check_line(value, pointer, errors);
    }
    value.to_string()
}

/// Checks an optional one-line text: blank is none, otherwise as [`text`].
pub fn optional_text(value: Option<&str>, max: usize, pointer: &str, errors: &mut Invalid) -> Option<String> {
    let value = value?.trim();
    if value.is_empty() {
        return None;
    }
    Some(text(value, max, pointer, errors))
}

/// Checks a multi-line text of at most `max` characters (blank allowed): line breaks and
/// tabs kept, CRLF read as `\n`, no other control character. Returns it with `\n` breaks.
pub fn paragraph(value: &str, max: usize, pointer: &str, errors: &mut Invalid) -> String {
    if value.chars().count() > max {
        errors.broke(pointer, Rule::TooLong { max });
    } else if let Some(c) = control_in_paragraph(value) {
        errors.broke(pointer, control_rule(c));
    }
    value.replace("\r\n", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_refuses_every_control_character() {
        for bad in ["a\0b", "a\rb", "a\nb", "a\tb", "a\u{7f}", "a\u{85}b", "\u{1b}[2J"] {
            let mut errors = Invalid::default();
            text(bad, 200, "/name", &mut errors);
            assert_eq!(errors.0.len(), 1, "{bad:?}");
            assert_eq!(errors.0[0].rule.code(), "control-character");
        }
        let mut errors = Invalid::default();
        assert_eq!(
            text("  Café Maroc — الدار ", 200, "/name", &mut errors),
            "Café Maroc — الدار"
        );
        assert!(errors.0.is_empty());
    }

    #[test]
    fn a_paragraph_keeps_breaks_and_tabs_and_reads_crlf_as_one_break() {
        let mut errors = Invalid::default();
        assert_eq!(
            paragraph("a\r\n\tb\nc", 100, "/message", &mut errors),
            "a\n\tb\nc"
        );
        assert!(errors.0.is_empty());
        for bad in ["a\rb", "a\r", "a\0", "a\u{b}"] {
            let mut errors = Invalid::default();
            paragraph(bad, 100, "/message", &mut errors);
            assert_eq!(
                errors.0[0].rule,
                control_rule(bad.chars().nth(1).unwrap()),
                "{bad:?}"
            );
        }
        assert_eq!(control_rule('\r').args(), [("value", "U+000D".to_string())]);
    }
}
