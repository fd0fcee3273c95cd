//! The Docker stack: `templates/compose.yml.j2` rendered from the stack settings (`spec`, `template`), parsed into
//! a typed compose model (`compose`), and created through the Docker Engine API exactly as written (`objects`,
//! `up`), then inspected (`status`), followed (`logs`) and taken down (`down`).

pub mod compose;
pub mod down;
pub mod engine;
pub mod images;
pub mod lock;
pub mod logs;
pub mod objects;
pub mod spec;
pub mod status;
pub mod template;
pub mod up;
