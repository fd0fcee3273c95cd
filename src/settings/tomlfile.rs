//! Reading TOML files the user owns. A syntax error names the file, line and column, and the file is then left
//! exactly as it is: we never rewrite a file we could not fully understand.

use std::io::ErrorKind;
use std::ops::Range;
use std::path::Path;

use anyhow::Result;
use toml_edit::DocumentMut;

use crate::error::Failure;

/// Reads `path` for editing; `None` when it does not exist.
pub fn read_document(path: &Path) -> Result<Option<DocumentMut>> {
    let Some(text) = read_text(path)? else {
        return Ok(None);
    };
    match text.parse::<DocumentMut>() {
        Ok(doc) => Ok(Some(doc)),
        Err(err) => Err(syntax_error(path, &text, err.span(), err.message()).into()),
    }
}

/// Reads `path` as a plain table (for files we only read, like `prefect.toml`); `None` when it does not exist.
pub fn read_table(path: &Path) -> Result<Option<toml::Table>> {
    let Some(text) = read_text(path)? else {
        return Ok(None);
    };
    match toml::from_str::<toml::Table>(&text) {
        Ok(table) => Ok(Some(table)),
        Err(err) => Err(syntax_error(path, &text, err.span(), err.message()).into()),
    }
}

fn read_text(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
        Err(err) => Err(Failure::new(format!("Could not read {}: {err}", path.display())).into()),
    }
}

fn syntax_error(path: &Path, text: &str, span: Option<Range<usize>>, message: &str) -> Failure {
    let (line, column) = line_and_column(text, span.map_or(0, |s| s.start));
    Failure::new(format!(
        "{}:{line}:{column}: invalid TOML: {}",
        path.display(),
        message.trim_end().trim_end_matches('.')
    ))
    .hint(format!(
        "fix line {line} of {} by hand; prefect-rs leaves the file untouched until then",
        path.display()
    ))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    (line, column)
}

/// The text of a scalar as a user would type it in an environment variable: strings bare, others as written.
pub fn scalar_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The same for a value in a document being edited; a table or array of tables is shown as written.
pub fn item_text(item: &toml_edit::Item) -> String {
    match item.as_value() {
        Some(value) => value
            .as_str()
            .map_or_else(|| value.to_string().trim().to_owned(), str::to_owned),
        None => item.to_string().trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::line_and_column;

    #[test]
    fn positions_are_one_based() {
        assert_eq!(line_and_column("a = 1\nb = [", 10), (2, 5));
        assert_eq!(line_and_column("x", 0), (1, 1));
    }
}
