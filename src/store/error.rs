//! What store functions fail with: the database's own error, or a filter the store cannot turn into SQL. The
//! `api` layer maps these to HTTP (`api::error`); nothing here knows about status codes.

use std::fmt;

#[derive(Debug)]
pub enum StoreError {
    Database(sqlx::Error),
    /// A filter field the caller sent that the store refuses: where it is (`["body", "flows", "name",
    /// "any_"]`) and why.
    InvalidFilter {
        loc: Vec<String>,
        message: String,
    },
}

impl StoreError {
    pub fn invalid_filter(loc: &[&str], message: impl Into<String>) -> Self {
        StoreError::InvalidFilter {
            loc: loc.iter().map(|step| (*step).to_owned()).collect(),
            message: message.into(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Database(error)
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Database(error) => write!(f, "database: {error}"),
            StoreError::InvalidFilter { loc, message } => write!(f, "{}: {message}", loc.join(".")),
        }
    }
}

impl std::error::Error for StoreError {}
