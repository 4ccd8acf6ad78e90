//! Resident identity card numbers (居民身份证号码), checked with GB 11643.

use crate::domain::Problem;
use std::fmt;

/// An 18-character resident ID number whose check digit verifies.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

impl IdNumber {
    /// The GB 11643 check character for the first 17 digits.
    pub fn check_char(first17: &str) -> Option<char> {
        if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum: u32 = first17
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        Some(CHECK[(sum % 11) as usize])
    }

    /// Validates length, digits, birth date and the check character; a lower-case x is accepted.
    pub fn parse(input: &str) -> Result<IdNumber, Problem> {
        let s: String = input
            .trim()
            .chars()
            .filter(|c| *c != ' ')
            .collect::<String>()
            .to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(Problem::bad_input(
                format!("身份证号应为 18 位，输入的有 {} 位", s.chars().count()),
                format!(
                    "an ID number has 18 characters; this one has {}",
                    s.chars().count()
                ),
            ));
        }
        if !s.is_ascii() || !s[..17].bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::bad_input(
                "身份证号前 17 位只能是数字",
                "the first 17 characters of an ID number must be digits",
            ));
        }
        let first17 = &s[..17];
        if !first17.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::bad_input(
                "身份证号前 17 位只能是数字",
                "the first 17 characters of an ID number must be digits",
            ));
        }
        let (y, m, d) = (&s[6..10], &s[10..12], &s[12..14]);
        let date_ok = match (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
            (Ok(y), Ok(m), Ok(d)) => {
                (1900..=2100).contains(&y) && chrono::NaiveDate::from_ymd_opt(y, m, d).is_some()
            }
            _ => false,
        };
        if !date_ok {
            return Err(Problem::bad_input(
                format!("身份证号中的出生日期 {y}-{m}-{d} 无效"),
                format!("the birth date {y}-{m}-{d} in the ID number is not a real date"),
            ));
        }
        let expected = Self::check_char(first17).unwrap_or('?');
        let last = s.chars().last().unwrap_or('?');
        if last != expected {
            return Err(Problem::bad_input(
                format!("身份证号校验位不符（应为 {expected}，输入的是 {last}）：请核对号码"),
                format!(
                    "the ID number's check character does not match (expected {expected}, got {last}): check the number"
                ),
            ));
        }
        Ok(IdNumber(s))
    }

    /// The full number.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `1101**********123X`: the first four and last four shown.
    pub fn masked(&self) -> String {
        format!("{}**********{}", &self.0[..4], &self.0[14..])
    }

    /// The last six characters, which the clerk compares against the presented card.
    pub fn last6(&self) -> &str {
        &self.0[12..]
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_standard_example() {
        // GB 11643-1999's worked example.
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "1101**********002X");
        assert_eq!(id.last6(), "31002X");
        assert!(IdNumber::parse("11010519491231002x").is_ok());
    }

    #[test]
    fn rejects_wrong_check_length_and_date() {
        assert!(
            IdNumber::parse("110105194912310021")
                .unwrap_err()
                .en
                .contains("check character")
        );
        assert!(
            IdNumber::parse("11010519491231002")
                .unwrap_err()
                .en
                .contains("18 characters")
        );
        assert!(
            IdNumber::parse("1101051949123100AX")
                .unwrap_err()
                .en
                .contains("digits")
        );
        let bad_date = format!(
            "11010519491331002{}",
            IdNumber::check_char("11010519491331002").unwrap()
        );
        assert!(
            IdNumber::parse(&bad_date)
                .unwrap_err()
                .en
                .contains("birth date")
        );
    }

    proptest! {
        #[test]
        fn generated_numbers_validate(region in 110000u32..660000, y in 1930i32..2008, doy in 0u32..365, seq in 0u32..1000) {
            let date = chrono::NaiveDate::from_yo_opt(y, doy + 1).unwrap();
            let first17 = format!("{region}{}{seq:03}", date.format("%Y%m%d"));
            let full = format!("{first17}{}", IdNumber::check_char(&first17).unwrap());
            let id = IdNumber::parse(&full).unwrap();
            prop_assert_eq!(id.masked().len(), 18);
            // Any single-digit change in the body breaks the check.
            let pos = (seq as usize) % 17;
            let mut bytes = full.clone().into_bytes();
            bytes[pos] = if bytes[pos] == b'9' { b'0' } else { bytes[pos] + 1 };
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&altered).is_err());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = IdNumber::parse(&s);
        }
    }
}
