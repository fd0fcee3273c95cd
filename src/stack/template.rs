//! Renders `templates/compose.yml.j2` (embedded in the binary) with a stack's settings. Undefined values are
//! errors, not empty strings, so a template and its context cannot drift apart silently.

use anyhow::{Context, Result};
use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior};

use super::spec::StackSpec;

const COMPOSE: &str = include_str!("../../templates/compose.yml.j2");

pub fn render(spec: &StackSpec) -> Result<String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.add_template("compose.yml.j2", COMPOSE)
        .context("the embedded compose template does not parse")?;
    env.get_template("compose.yml.j2")?
        .render(minijinja::value::Serde(spec))
        .context("rendering the compose template")
}
