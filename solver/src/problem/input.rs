//! Input errors that name their place, and JSON parsing that finds it.

use std::fmt;

/// Input that is not a valid `rendezvous-problem/1` (or solution) document.
/// `path` names the place, as in `meetings[3].weight`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

impl InputError {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for InputError {}

/// Deserialises JSON text into `T`, naming the path of the first error.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." { String::new() } else { path };
        InputError::new(path, err.into_inner().to_string())
    })?;
    // Text after the document is an error too, not something to ignore.
    de.end().map_err(|err| InputError::new("", err.to_string()))?;
    Ok(value)
}
