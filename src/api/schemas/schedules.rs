//! Deployment schedules' `schedule` field: Prefect's `IntervalSchedule | CronSchedule | RRuleSchedule`, defined
//! (with its validation and date math) in `crate::schedules`, used here by the deployments' action models.

#[allow(unused_imports)] // used by the deployments API (H2)
pub use crate::schedules::{CronSchedule, IntervalSchedule, RRuleSchedule, Schedule};
