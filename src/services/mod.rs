//! Background services the server runs beside the API (off with `server start --no-services`). The task-run
//! recorder is not one of them: it runs inline on `/api/events/in`, because clients need it.

pub mod cancellation_cleanup;
pub mod foreman;
pub mod late_runs;
pub mod lease_expiry;
pub mod pause_expirations;
pub mod scheduler;
pub mod triggers;
pub mod zombies;

pub mod actions;
