//! Points (积分 / M值) earned in lots, each with its own expiry date.

use chrono::{Datelike, NaiveDate};

/// Default lifetime of an earning lot: it expires at the end of the 36th month after the month earned.
pub const DEFAULT_EXPIRY_MONTHS: u32 = 36;

/// The last valid day of a lot earned in `year`-`month` that lives `months` months.
pub fn lot_expiry(year: i32, month: u32, months: u32) -> NaiveDate {
    let index = year * 12 + (month as i32 - 1) + months as i32;
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    let first_next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    first_next
        .and_then(|d| d.pred_opt())
        .expect("month arithmetic stays within chrono's range")
}

/// The last valid day of a lot earned on `earned` (by its month).
pub fn lot_expiry_for(earned: NaiveDate, months: u32) -> NaiveDate {
    lot_expiry(earned.year(), earned.month(), months)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lots_expire_at_the_end_of_the_36th_month() {
        assert_eq!(lot_expiry(2023, 12, 36).to_string(), "2026-12-31");
        assert_eq!(lot_expiry(2024, 2, 36).to_string(), "2027-02-28");
        assert_eq!(lot_expiry(2025, 2, 36).to_string(), "2028-02-29");
        assert_eq!(lot_expiry(2026, 1, 0).to_string(), "2026-01-31");
    }
}
