//! touchpoint: a keyboard-driven service-counter terminal for a mobile operator.
//!
//! Layers: `tui` and `cli` are thin and call `service`; `service` runs each business
//! operation as one transaction over `store` (SQL) and `domain` (pure rules).

pub mod assets;
pub mod cli;
pub mod demo;
mod demo_year;
pub mod domain;
pub mod error;
pub mod service;
pub mod store;
pub mod synthetic;
pub mod tui;

pub use error::{Error, Result};
