//! Mobile numbers (MSISDN): 11 digits, `1[3-9]\d{9}`.

use crate::domain::Problem;
use serde::{Serialize, Serializer};
use std::fmt;

/// A valid mainland mobile number, normalised to its 11 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Msisdn(String);

impl Msisdn {
    /// Parses what a clerk types: spaces, dashes and a `+86`/`0086` prefix are tolerated.
    pub fn parse(input: &str) -> Result<Msisdn, Problem> {
        let raw = input.trim();
        let mut s: String = raw
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}' | '(' | ')'))
            .collect();
        if let Some(rest) = s.strip_prefix("+86") {
            s = rest.to_string();
        } else if let Some(rest) = s.strip_prefix("0086") {
            s = rest.to_string();
        } else if s.len() == 13 && s.starts_with("86") {
            s = s[2..].to_string();
        }
        if s.is_empty() {
            return Err(Problem::bad_input(
                "手机号为空：请输入 11 位手机号",
                "the phone number is empty: enter an 11-digit mobile number",
            ));
        }
        if let Some(c) = s.chars().find(|c| !c.is_ascii_digit()) {
            return Err(Problem::bad_input(
                format!("手机号“{raw}”含有非数字字符“{c}”：只能输入数字"),
                format!(
                    "phone number \"{raw}\" contains '{c}', which is not a digit: use digits only"
                ),
            ));
        }
        if s.len() != 11 {
            return Err(Problem::bad_input(
                format!("手机号“{raw}”有 {} 位：手机号应为 11 位", s.len()),
                format!(
                    "phone number \"{raw}\" has {} digits: a mobile number has 11",
                    s.len()
                ),
            ));
        }
        let second = s.as_bytes()[1];
        if s.as_bytes()[0] != b'1' || !(b'3'..=b'9').contains(&second) {
            return Err(Problem::bad_input(
                format!("“{raw}”不是手机号：手机号以 13–19 开头"),
                format!("\"{raw}\" is not a mobile number: mobile numbers start with 13 to 19"),
            ));
        }
        Ok(Msisdn(s))
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****8000`: shown in lists and headers until the customer is verified.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }

    /// Shown masked or in full depending on whether the customer is verified.
    pub fn display(&self, verified: bool) -> String {
        if verified {
            self.0.clone()
        } else {
            self.masked()
        }
    }

    /// True for the number ranges of this operator (China Mobile), which alone can be topped up here.
    pub fn is_this_operator(&self) -> bool {
        const PREFIXES: [&str; 24] = [
            "134", "135", "136", "137", "138", "139", "147", "148", "150", "151", "152", "157",
            "158", "159", "172", "178", "182", "183", "184", "187", "188", "195", "197", "198",
        ];
        PREFIXES.iter().any(|p| self.0.starts_with(p))
    }
}

/// A stored phone number masked like [`Msisdn::masked`]; `None` when it does not parse, so each
/// caller chooses its fallback (the raw text on screens, nothing in notices).
pub fn mask_stored(phone: &str) -> Option<String> {
    Msisdn::parse(phone).ok().map(|m| m.masked())
}

impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Msisdn {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_spaces_dashes_and_country_code() {
        for s in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "+86-13800138000",
            "0086 13800138000",
            "8613800138000",
            " 13800138000 ",
        ] {
            assert_eq!(Msisdn::parse(s).unwrap().as_str(), "13800138000", "{s}");
        }
    }

    #[test]
    fn rejects_with_a_reason() {
        let cases = [
            ("", "empty"),
            ("1380013800", "has 10 digits"),
            ("138001380001", "has 12 digits"),
            ("1380013800a", "not a digit"),
            ("12800138000", "start with 13 to 19"),
            ("23800138000", "start with 13 to 19"),
        ];
        for (s, why) in cases {
            let e = Msisdn::parse(s).unwrap_err();
            assert!(e.en.contains(why), "{s}: {}", e.en);
        }
    }

    #[test]
    fn masks_the_middle_four() {
        let m = Msisdn::parse("13800138000").unwrap();
        assert_eq!(m.masked(), "138****8000");
        assert_eq!(m.display(true), "13800138000");
        assert_eq!(m.display(false), "138****8000");
    }

    #[test]
    fn knows_this_operators_ranges() {
        assert!(Msisdn::parse("13800138000").unwrap().is_this_operator());
        assert!(!Msisdn::parse("13000130000").unwrap().is_this_operator());
        assert!(!Msisdn::parse("18900189000").unwrap().is_this_operator());
    }

    proptest! {
        #[test]
        fn every_valid_number_round_trips(second in 3u8..=9, rest in "[0-9]{9}") {
            let s = format!("1{second}{rest}");
            let m = Msisdn::parse(&s).unwrap();
            prop_assert_eq!(m.as_str(), s.as_str());
            let spaced = format!("+86 {} {} {}", &s[..3], &s[3..7], &s[7..]);
            prop_assert_eq!(Msisdn::parse(&spaced).unwrap(), m.clone());
            prop_assert_eq!(m.masked().len(), 11);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = Msisdn::parse(&s);
        }
    }
}
