//! The checks: functions from the estate to diagnostics. None of them mutates the estate.

pub mod names;
pub mod schema;
pub mod types;
pub mod values;
