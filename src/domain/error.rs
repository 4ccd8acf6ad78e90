//! A problem the user can act on, in both languages, mapped to an exit code.

use crate::domain::Lang;
use std::fmt;

/// What kind of problem: decides the exit code (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The input is malformed (exit 2).
    BadInput,
    /// The thing asked for does not exist (exit 3).
    NotFound,
    /// Permission, state or funds forbid it (exit 4).
    Refused,
}

impl ProblemKind {
    /// The process exit code for this kind.
    pub fn exit_code(self) -> i32 {
        match self {
            ProblemKind::BadInput => 2,
            ProblemKind::NotFound => 3,
            ProblemKind::Refused => 4,
        }
    }
}

/// A user-facing problem: what is wrong and how to fix it, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Decides the exit code.
    pub kind: ProblemKind,
    /// The message in Chinese.
    pub zh: String,
    /// The message in English.
    pub en: String,
}

impl Problem {
    /// A malformed-input problem.
    pub fn bad_input(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(ProblemKind::BadInput, zh, en)
    }

    /// A not-found problem.
    pub fn not_found(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(ProblemKind::NotFound, zh, en)
    }

    /// A refusal (permission, state, funds).
    pub fn refused(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(ProblemKind::Refused, zh, en)
    }

    /// A problem of any kind.
    pub fn new(kind: ProblemKind, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Problem {
            kind,
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The message in the given language.
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.en, self.zh)
    }
}

impl std::error::Error for Problem {}
