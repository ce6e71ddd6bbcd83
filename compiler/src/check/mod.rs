//! The checks: functions from the estate to diagnostics. None of them mutates the estate.

pub mod contract;
pub mod deviations;
mod edit_distance;
pub mod engagement;
pub mod gates;
pub mod governance;
pub mod history;
pub mod names;
pub mod schema;
pub mod types;
pub mod values;
