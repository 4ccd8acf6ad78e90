//! Money as an integer number of fen (分). Never a float.

use crate::domain::Problem;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen (1/100 yuan), signed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    /// Zero fen.
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan to fen.
    pub const fn yuan(y: i64) -> Fen {
        Fen(y * 100)
    }

    /// The raw number of fen.
    pub const fn as_i64(self) -> i64 {
        self.0
    }

    /// Sum, or `None` on overflow.
    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    /// Difference, or `None` on overflow.
    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// Negation, or `None` on overflow.
    pub fn checked_neg(self) -> Option<Fen> {
        self.0.checked_neg().map(Fen)
    }

    /// True below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Whole yuan, rounded down (toward minus infinity).
    pub fn floor_yuan(self) -> i64 {
        self.0.div_euclid(100)
    }

    /// Parses an amount a clerk typed: `50`, `50.5`, `50.50`, `¥50`, `50元`, `1,234.56`.
    /// A sign is refused; use [`Fen::parse_signed`] where a negative amount makes sense.
    pub fn parse(input: &str) -> Result<Fen, Problem> {
        let s = input.trim();
        if s.starts_with('-') || s.starts_with('+') {
            return Err(Problem::bad_input(
                format!("金额“{s}”不能带正负号：请输入正数，例如 50 或 50.50"),
                format!(
                    "amount \"{s}\" must not carry a sign: enter a positive number such as 50 or 50.50"
                ),
            ));
        }
        Self::parse_signed(s)
    }

    /// Parses an amount that may be negative (adjustments): `-3.20`, `-¥3.20`.
    pub fn parse_signed(input: &str) -> Result<Fen, Problem> {
        let raw = input.trim();
        let mut s = raw;
        let mut negative = false;
        if let Some(rest) = s.strip_prefix('-') {
            negative = true;
            s = rest.trim_start();
        } else if let Some(rest) = s.strip_prefix('+') {
            s = rest.trim_start();
        }
        for prefix in ["¥", "￥", "RMB", "CNY"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.trim_start();
                break;
            }
        }
        for suffix in ["元", "yuan", "CNY"] {
            if let Some(rest) = s.strip_suffix(suffix) {
                s = rest.trim_end();
                break;
            }
        }
        if s.is_empty() {
            return Err(Problem::bad_input(
                "金额为空：请输入金额，例如 50 或 50.50",
                "the amount is empty: enter an amount such as 50 or 50.50",
            ));
        }
        let s: String = s.chars().filter(|c| *c != ',').collect();
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (s.as_str(), None),
        };
        let digits_only = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
        let frac_ok = frac.is_none_or(|f| f.is_empty() || f.chars().all(|c| c.is_ascii_digit()));
        if !(digits_only(whole) || (whole.is_empty() && frac.is_some_and(|f| !f.is_empty())))
            || !frac_ok
        {
            return Err(Problem::bad_input(
                format!("“{raw}”不是金额：只能包含数字和一个小数点，例如 50.50"),
                format!(
                    "\"{raw}\" is not an amount: use digits and one decimal point, such as 50.50"
                ),
            ));
        }
        let frac = frac.unwrap_or("");
        if frac.len() > 2 {
            return Err(Problem::bad_input(
                format!("金额“{raw}”超过两位小数：最小单位是分（0.01 元）"),
                format!(
                    "amount \"{raw}\" has more than two decimals: the smallest unit is 0.01 yuan (1 fen)"
                ),
            ));
        }
        let overflow = || {
            Problem::bad_input(
                format!("金额“{raw}”太大"),
                format!("amount \"{raw}\" is too large"),
            )
        };
        let whole_fen: i64 = if whole.is_empty() {
            0
        } else {
            whole
                .parse::<i64>()
                .ok()
                .and_then(|w| w.checked_mul(100))
                .ok_or_else(overflow)?
        };
        let frac_fen: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().unwrap_or(0) * 10,
            _ => frac.parse::<i64>().unwrap_or(0),
        };
        let total = whole_fen.checked_add(frac_fen).ok_or_else(overflow)?;
        Ok(Fen(if negative { -total } else { total }))
    }

    /// Plain decimal form without the currency sign: `1234.56`, `-3.20`.
    pub fn to_plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Display for Fen {
    /// `¥1,234.56`, negative `-¥3.20`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let text = format!("{sign}¥{grouped}.{:02}", abs % 100);
        f.pad(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProblemKind;
    use proptest::prelude::*;

    #[test]
    fn formats_with_grouping_and_sign() {
        assert_eq!(Fen(123456).to_string(), "¥1,234.56");
        assert_eq!(Fen(-320).to_string(), "-¥3.20");
        assert_eq!(Fen(0).to_string(), "¥0.00");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen(100_000_000).to_string(), "¥1,000,000.00");
        assert_eq!(Fen(i64::MIN).to_string(), "-¥92,233,720,368,547,758.08");
    }

    #[test]
    fn parses_the_accepted_forms() {
        for (s, fen) in [
            ("50", 5000),
            ("50.5", 5050),
            ("50.50", 5050),
            ("¥50", 5000),
            ("￥50", 5000),
            ("50元", 5000),
            (" 1,234.56 ", 123456),
            ("0.01", 1),
            (".5", 50),
            ("50.", 5000),
        ] {
            assert_eq!(Fen::parse(s), Ok(Fen(fen)), "{s}");
        }
        assert_eq!(Fen::parse_signed("-3.20"), Ok(Fen(-320)));
        assert_eq!(Fen::parse_signed("-¥3.20"), Ok(Fen(-320)));
    }

    #[test]
    fn rejects_bad_forms_with_a_reason() {
        let cases = [
            ("", "empty"),
            ("   ", "empty"),
            ("abc", "not an amount"),
            ("50.555", "more than two decimals"),
            ("-5", "sign"),
            ("+5", "sign"),
            ("5.5.5", "not an amount"),
            ("99999999999999999999", "too large"),
            ("1e5", "not an amount"),
            ("¥", "empty"),
        ];
        for (s, why) in cases {
            let err = Fen::parse(s).unwrap_err();
            assert_eq!(err.kind, ProblemKind::BadInput);
            assert!(err.en.contains(why), "{s}: {}", err.en);
            assert!(!err.zh.is_empty());
        }
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert_eq!(Fen(i64::MIN).checked_neg(), None);
        assert_eq!(Fen(5).checked_add(Fen(-7)), Some(Fen(-2)));
        assert_eq!(Fen(-1).floor_yuan(), -1);
        assert_eq!(Fen(199).floor_yuan(), 1);
    }

    proptest! {
        #[test]
        fn display_parses_back(n in -1_000_000_000_000i64..1_000_000_000_000i64) {
            let shown = Fen(n).to_string();
            prop_assert_eq!(Fen::parse_signed(&shown), Ok(Fen(n)));
            prop_assert_eq!(Fen::parse_signed(&Fen(n).to_plain()), Ok(Fen(n)));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,24}") {
            let _ = Fen::parse(&s);
            let _ = Fen::parse_signed(&s);
        }

        #[test]
        fn three_decimals_always_rejected(w in 0u32..100000, f in 0u32..1000) {
            let s = format!("{w}.{f:03}");
            prop_assert!(Fen::parse(&s).is_err());
        }
    }
}
