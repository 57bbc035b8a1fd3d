//! The benchmark's MiniZinc data files (`.dzn`), as published with Bofill et al.'s model:
//!
//! ```text
//! nBusiness = 4;  nMeetings = 3;  nTables = 2;  nTotalSlots = 4;  nMorningSlots = 2;
//! requested = [| 1, 2, 1 | 1, 3, 3 | 2, 4, 2 |];   % participant, participant, session
//! forbidden = [{0}, {4}, {}, {1, 2}];              % per participant; 0 stands for none
//! fixed = [0, 3, 0];                               % per meeting; 0: not pinned
//! ```
//!
//! Participants, meetings and slots are numbered from 1. A session wish is 1 (morning:
//! slots `1..=nMorningSlots`), 2 (afternoon) or 3 (either). `fixed` (older files: `fixat`)
//! is optional, and so are the redundant `nMeetingsBusiness` (checked against `requested`)
//! and `meetingsxBusiness` (read, not used: files number its meetings differently), and
//! `precedences` (must be empty: the problem format has no order between meetings).
//! Comments (`% …`, `/* … */`) and any layout are allowed.

use std::collections::BTreeMap;
use std::fmt;

use super::{Forum, ForumMeeting, SessionWish};

/// The most participants, meetings or tables a file may declare, and the most slots: far
/// above the benchmark's (78, 302, 27, 22), and low enough that nothing huge is allocated.
const MAX_COUNT: i64 = 1_000_000;
const MAX_SLOTS: i64 = 10_000;

/// What is wrong with a data file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DznError {
    /// The line (from 1), when the fault is at one.
    pub line: Option<usize>,
    /// The field involved (`requested`, `nTables`, …), when one is.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for DznError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for DznError {}

fn error(line: Option<usize>, field: Option<&str>, message: impl Into<String>) -> DznError {
    DznError {
        line,
        field: field.map(String::from),
        message: message.into(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Int(i64),
    Symbol(&'static str),
}

fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, DznError> {
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '%' => while chars.next_if(|&c| c != '\n').is_some() {},
            '/' if chars.peek() == Some(&'*') => {
                let opened = line;
                chars.next();
                let mut previous = ' ';
                loop {
                    match chars.next() {
                        Some('/') if previous == '*' => break,
                        Some(c) => {
                            line += usize::from(c == '\n');
                            previous = c;
                        }
                        None => {
                            return Err(error(Some(opened), None, "a comment opened here is never closed"));
                        }
                    }
                }
            }
            '.' if chars.peek() == Some(&'.') => {
                chars.next();
                tokens.push((Token::Symbol(".."), line));
            }
            '=' | ';' | ',' | '[' | ']' | '|' | '{' | '}' => {
                let symbol = match c {
                    '=' => "=",
                    ';' => ";",
                    ',' => ",",
                    '[' => "[",
                    ']' => "]",
                    '|' => "|",
                    '{' => "{",
                    _ => "}",
                };
                tokens.push((Token::Symbol(symbol), line));
            }
            c if c.is_ascii_digit() || c == '-' => {
                let mut digits = c.to_string();
                while let Some(d) = chars.next_if(char::is_ascii_digit) {
                    digits.push(d);
                }
                let value = digits
                    .parse::<i64>()
                    .map_err(|_| error(Some(line), None, format!("{digits:?} is not a number")))?;
                tokens.push((Token::Int(value), line));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut word = c.to_string();
                while let Some(d) = chars.next_if(|&d| d.is_ascii_alphanumeric() || d == '_') {
                    word.push(d);
                }
                tokens.push((Token::Ident(word), line));
            }
            c => return Err(error(Some(line), None, format!("unexpected character {c:?}"))),
        }
    }
    Ok(tokens)
}

/// A value as written, with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(i64),
    Set(Vec<i64>),
    Array(Vec<(Value, usize)>),
    /// A two-dimensional array, `[| … | … |]`, row by row.
    Rows(Vec<(Vec<i64>, usize)>),
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Int(_) => "a number",
            Value::Set(_) => "a set",
            Value::Array(_) => "an array",
            Value::Rows(_) => "a two-dimensional array",
        }
    }
}

struct Parser<'t> {
    tokens: &'t [(Token, usize)],
    at: usize,
    field: String,
}

impl Parser<'_> {
    fn line(&self) -> usize {
        self.tokens
            .get(self.at)
            .or(self.tokens.last())
            .map_or(1, |(_, line)| *line)
    }

    fn fail(&self, message: impl Into<String>) -> DznError {
        error(Some(self.line()), Some(&self.field), message)
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(token, _)| token)
    }

    fn next_is(&mut self, symbol: &'static str) -> bool {
        let found = self.peek() == Some(&Token::Symbol(symbol));
        self.at += usize::from(found);
        found
    }

    fn expect(&mut self, symbol: &'static str) -> Result<(), DznError> {
        if self.next_is(symbol) {
            Ok(())
        } else {
            Err(self.fail(format!("expected {symbol:?}, found {}", self.describe())))
        }
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "the end of the file".to_string(),
            Some(Token::Int(n)) => format!("{n}"),
            Some(Token::Ident(word)) => format!("{word:?}"),
            Some(Token::Symbol(s)) => format!("{s:?}"),
        }
    }

    fn int(&mut self) -> Result<i64, DznError> {
        match self.peek() {
            Some(&Token::Int(n)) => {
                self.at += 1;
                Ok(n)
            }
            _ => Err(self.fail(format!("expected a number, found {}", self.describe()))),
        }
    }

    fn value(&mut self) -> Result<(Value, usize), DznError> {
        let line = self.line();
        let value = if self.next_is("{") {
            let mut members = Vec::new();
            while !self.next_is("}") {
                let low = self.int()?;
                let high = if self.next_is("..") { self.int()? } else { low };
                if high.saturating_sub(low) > MAX_SLOTS {
                    return Err(self.fail(format!("the range {low}..{high} is too long")));
                }
                members.extend(low..=high);
                if !self.next_is(",") {
                    self.expect("}")?;
                    break;
                }
            }
            Value::Set(members)
        } else if self.next_is("[") {
            if self.next_is("|") {
                let mut rows = Vec::new();
                while !self.next_is("]") {
                    let row_line = self.line();
                    let mut row = Vec::new();
                    while !self.next_is("|") {
                        row.push(self.int()?);
                        if !self.next_is(",") {
                            self.expect("|")?;
                            break;
                        }
                    }
                    rows.push((row, row_line));
                }
                // `[| |]` is the empty two-dimensional array.
                if let [(row, _)] = rows.as_slice()
                    && row.is_empty()
                {
                    rows.clear();
                }
                Value::Rows(rows)
            } else {
                let mut items = Vec::new();
                while !self.next_is("]") {
                    items.push(self.value()?);
                    if !self.next_is(",") {
                        self.expect("]")?;
                        break;
                    }
                }
                Value::Array(items)
            }
        } else {
            Value::Int(self.int()?)
        };
        Ok((value, line))
    }
}

/// Every `name = value;` of the file, by name.
fn assignments(text: &str) -> Result<BTreeMap<String, (Value, usize)>, DznError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        field: String::new(),
    };
    let mut fields = BTreeMap::new();
    while let Some(token) = parser.peek() {
        let line = parser.line();
        let Token::Ident(name) = token.clone() else {
            return Err(error(
                Some(line),
                None,
                format!("expected a field name, found {}", parser.describe()),
            ));
        };
        parser.at += 1;
        parser.field = name.clone();
        parser.expect("=")?;
        let value = parser.value()?;
        parser.expect(";")?;
        if fields.insert(name.clone(), value).is_some() {
            return Err(error(Some(line), Some(&name), "given twice"));
        }
    }
    Ok(fields)
}

/// The fields of the file, taken one by one with checks that name them.
struct Fields(BTreeMap<String, (Value, usize)>);

impl Fields {
    fn take(&mut self, name: &str) -> Option<(Value, usize)> {
        self.0.remove(name)
    }

    fn count(&mut self, name: &str, low: i64, high: i64) -> Result<(usize, usize), DznError> {
        let (value, line) = self
            .take(name)
            .ok_or_else(|| error(None, Some(name), "missing"))?;
        match value {
            Value::Int(n) if (low..=high).contains(&n) => Ok((n as usize, line)),
            Value::Int(n) => Err(error(
                Some(line),
                Some(name),
                format!("{n} is not in {low}..{high}"),
            )),
            other => Err(error(
                Some(line),
                Some(name),
                format!("expected a number, found {}", other.kind()),
            )),
        }
    }

    /// A one-dimensional array of `length` items, each read by `item`.
    fn array<T>(
        &mut self,
        name: &str,
        length: (usize, &str),
        item: impl Fn(Value, usize) -> Result<T, String>,
    ) -> Result<Option<Vec<T>>, DznError> {
        let Some((value, line)) = self.take(name) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(error(
                Some(line),
                Some(name),
                format!("expected an array, found {}", value.kind()),
            ));
        };
        if items.len() != length.0 {
            return Err(error(
                Some(line),
                Some(name),
                format!("{} items, expected {} ({})", items.len(), length.0, length.1),
            ));
        }
        items
            .into_iter()
            .enumerate()
            .map(|(i, (value, at))| {
                item(value, i)
                    .map_err(|message| error(Some(at), Some(name), format!("item {}: {message}", i + 1)))
            })
            .collect::<Result<Vec<T>, DznError>>()
            .map(Some)
    }
}

fn set_of(value: Value) -> Result<Vec<i64>, String> {
    match value {
        Value::Set(members) => Ok(members),
        other => Err(format!("expected a set, found {}", other.kind())),
    }
}

/// A slot number `1..=slots`, or 0 (none); as an index from 0.
fn slot_or_zero(n: i64, slots: usize) -> Result<Option<usize>, String> {
    match n {
        0 => Ok(None),
        n if (1..=slots as i64).contains(&n) => Ok(Some(n as usize - 1)),
        n => Err(format!(
            "slot {n} is not in 1..{slots} (nTotalSlots), nor 0 (none)"
        )),
    }
}

/// Reads a benchmark data file into a [`Forum`]. Every fault is an error naming its line
/// and field; nothing is guessed.
pub fn parse_dzn(text: &str) -> Result<Forum, DznError> {
    let mut fields = Fields(assignments(text)?);
    let (participants, _) = fields.count("nBusiness", 1, MAX_COUNT)?;
    let (meeting_count, _) = fields.count("nMeetings", 0, MAX_COUNT)?;
    let (tables, _) = fields.count("nTables", 1, MAX_COUNT)?;
    let (slots, _) = fields.count("nTotalSlots", 1, MAX_SLOTS)?;
    let (morning_slots, _) = fields.count("nMorningSlots", 0, slots as i64)?;

    let (requested, line) = fields
        .take("requested")
        .ok_or_else(|| error(None, Some("requested"), "missing"))?;
    let rows = match requested {
        Value::Rows(rows) => rows,
        Value::Array(items) if items.is_empty() => Vec::new(),
        other => {
            return Err(error(
                Some(line),
                Some("requested"),
                format!("expected a two-dimensional array [| … |], found {}", other.kind()),
            ));
        }
    };
    if rows.len() != meeting_count {
        return Err(error(
            Some(line),
            Some("requested"),
            format!("{} rows, expected {meeting_count} (nMeetings)", rows.len()),
        ));
    }
    let mut meetings = Vec::with_capacity(rows.len());
    for (m, (row, at)) in rows.into_iter().enumerate() {
        let fail = |message: String| {
            error(
                Some(at),
                Some("requested"),
                format!("meeting {}: {message}", m + 1),
            )
        };
        let &[a, b, session] = row.as_slice() else {
            return Err(fail(format!(
                "{} numbers, expected 3 (participant, participant, session)",
                row.len()
            )));
        };
        let participant = |p: i64| {
            if (1..=participants as i64).contains(&p) {
                Ok(p as usize - 1)
            } else {
                Err(fail(format!(
                    "participant {p} is not in 1..{participants} (nBusiness)"
                )))
            }
        };
        let (a, b) = (participant(a)?, participant(b)?);
        if a == b {
            return Err(fail(format!("participant {} meets itself", a + 1)));
        }
        let wish = match session {
            1 => SessionWish::Morning,
            2 => SessionWish::Afternoon,
            3 => SessionWish::Any,
            s => {
                return Err(fail(format!(
                    "session {s} is not 1 (morning), 2 (afternoon) or 3 (either)"
                )));
            }
        };
        meetings.push(ForumMeeting {
            participants: (a, b),
            wish,
            fixed: None,
        });
    }

    let business = (participants, "nBusiness");
    let forbidden = fields
        .array("forbidden", business, |value, _| {
            set_of(value)?
                .into_iter()
                .filter_map(|n| slot_or_zero(n, slots).transpose())
                .collect::<Result<Vec<usize>, String>>()
        })?
        .unwrap_or_else(|| vec![Vec::new(); participants]);

    let per_meeting = (meeting_count, "nMeetings");
    let fixed_name = if fields.0.contains_key("fixat") {
        "fixat"
    } else {
        "fixed"
    };
    if fields.0.contains_key("fixat") && fields.0.contains_key("fixed") {
        let line = fields.0["fixat"].1;
        return Err(error(
            Some(line),
            Some("fixat"),
            "given beside fixed (the same field)",
        ));
    }
    let pins = fields.array(fixed_name, per_meeting, |value, _| match value {
        Value::Int(n) => slot_or_zero(n, slots),
        other => Err(format!("expected a number, found {}", other.kind())),
    })?;
    for (meeting, pin) in meetings.iter_mut().zip(pins.into_iter().flatten()) {
        meeting.fixed = pin;
    }

    let mut held = vec![0; participants];
    for meeting in &meetings {
        held[meeting.participants.0] += 1;
        held[meeting.participants.1] += 1;
    }
    fields.array("nMeetingsBusiness", business, |value, p| match value {
        Value::Int(n) if n == held[p] as i64 => Ok(()),
        Value::Int(n) => Err(format!(
            "participant {} has {} meetings in requested, not {n}",
            p + 1,
            held[p]
        )),
        other => Err(format!("expected a number, found {}", other.kind())),
    })?;
    fields.array("meetingsxBusiness", business, |value, _| set_of(value).map(drop))?;
    fields.array("precedences", per_meeting, |value, _| {
        let before: Vec<i64> = set_of(value)?.into_iter().filter(|&n| n != 0).collect();
        match before.first() {
            None => Ok(()),
            Some(first) => Err(format!(
                "must follow meeting {first}: rendezvous-problem/1 has no order between meetings"
            )),
        }
    })?;

    if let Some((name, (_, line))) = fields.0.into_iter().next() {
        return Err(error(
            Some(line),
            Some(&name),
            "unknown field (known: nBusiness, nMeetings, nTables, nTotalSlots, nMorningSlots, \
             requested, forbidden, fixed or fixat, nMeetingsBusiness, meetingsxBusiness, precedences)",
        ));
    }
    Ok(Forum {
        name: None,
        participants,
        tables,
        slots,
        morning_slots,
        meetings,
        forbidden,
    })
}
