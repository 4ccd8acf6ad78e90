//! Pure types and rules of the counter's business. No SQL, no terminal, no I/O.

pub mod advice;
pub mod audit;
pub mod bill;
pub mod brand;
pub mod clock;
pub mod customer;
pub mod error;
pub mod id_number;
pub mod lang;
pub mod money;
pub mod phone;
pub mod staff;
pub mod topup;
pub mod visit;

pub use clock::{Clock, SharedClock};
pub use error::{Problem, ProblemKind};
pub use id_number::IdNumber;
pub use lang::Lang;
pub use money::Fen;
pub use phone::Msisdn;
pub mod points;
pub mod rating;
pub mod ticket;
