//! Brands (品牌): how a customer pays and earns points. All figures are data from `assets/`.

use crate::domain::Fen;
use serde::{Deserialize, Serialize};

/// How a brand is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentKind {
    /// 后付费: billed monthly against a credit limit.
    Postpaid,
    /// 预付费: spends a prepaid balance.
    Prepaid,
}

impl PaymentKind {
    /// Stored/serialised code.
    pub fn code(self) -> &'static str {
        match self {
            PaymentKind::Postpaid => "postpaid",
            PaymentKind::Prepaid => "prepaid",
        }
    }

    /// Parses the stored code.
    pub fn parse(s: &str) -> Option<PaymentKind> {
        match s {
            "postpaid" => Some(PaymentKind::Postpaid),
            "prepaid" => Some(PaymentKind::Prepaid),
            _ => None,
        }
    }
}

/// A brand as loaded from the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    /// `gotone`, `mzone`, `easyown`.
    pub code: String,
    /// 全球通 …
    pub name_zh: String,
    /// GoTone …
    pub name_en: String,
    /// Post-paid or pre-paid.
    pub kind: PaymentKind,
    /// 积分, M值 …
    pub currency_zh: String,
    /// points, M-points …
    pub currency_en: String,
    /// Points earned per whole yuan billed.
    pub points_per_yuan: i64,
    /// Easyown earns only while the customer is real-name verified.
    pub earn_requires_real_name: bool,
    /// Post-paid credit limit in fen (0 for pre-paid).
    pub credit_limit_fen: i64,
}

impl Brand {
    /// The lowest balance at which the line stays open: below it the account is suspended (停机).
    pub fn suspension_line(&self) -> Fen {
        match self.kind {
            PaymentKind::Postpaid => Fen(-self.credit_limit_fen),
            PaymentKind::Prepaid => Fen::ZERO,
        }
    }

    /// True when a balance is below the line.
    pub fn is_below_line(&self, balance: Fen) -> bool {
        balance < self.suspension_line()
    }

    /// Points earned for a bill: floor(total in yuan × rate), nothing where real-name is required and missing.
    pub fn points_for_bill(&self, bill_total: Fen, real_name_verified: bool) -> i64 {
        if self.earn_requires_real_name && !real_name_verified {
            return 0;
        }
        (bill_total.floor_yuan().max(0)).saturating_mul(self.points_per_yuan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand(kind: PaymentKind, rate: i64, rn: bool, limit: i64) -> Brand {
        Brand {
            code: "b".into(),
            name_zh: "b".into(),
            name_en: "b".into(),
            kind,
            currency_zh: "积分".into(),
            currency_en: "points".into(),
            points_per_yuan: rate,
            earn_requires_real_name: rn,
            credit_limit_fen: limit,
        }
    }

    #[test]
    fn postpaid_may_go_down_to_its_credit_limit() {
        let b = brand(PaymentKind::Postpaid, 2, false, 10_000);
        assert!(!b.is_below_line(Fen(-10_000)));
        assert!(b.is_below_line(Fen(-10_001)));
    }

    #[test]
    fn prepaid_stops_below_zero() {
        let b = brand(PaymentKind::Prepaid, 1, false, 0);
        assert!(!b.is_below_line(Fen(0)));
        assert!(b.is_below_line(Fen(-1)));
    }

    #[test]
    fn points_are_floored_yuan_times_rate() {
        let b = brand(PaymentKind::Postpaid, 2, false, 10_000);
        assert_eq!(b.points_for_bill(Fen(12_899), true), 256);
        assert_eq!(b.points_for_bill(Fen(-500), true), 0);
        let e = brand(PaymentKind::Prepaid, 1, true, 0);
        assert_eq!(e.points_for_bill(Fen(5_000), false), 0);
        assert_eq!(e.points_for_bill(Fen(5_000), true), 50);
    }
}
