//! Points (积分 / M值) earned in lots, each with its own expiry date.

use chrono::NaiveDate;

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

/// Points spending and expiry over earning lots (FIFO), and the catalogue's fulfilment kinds.
pub mod lots {
    use crate::domain::Problem;
    use chrono::NaiveDate;

    /// What spending needs to know of a lot.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct LotBalance {
        /// Lot id.
        pub id: i64,
        /// Points left.
        pub remaining: i64,
        /// Last valid local date.
        pub expires_on: NaiveDate,
    }

    /// True when a lot can no longer be spent on `today` (it is valid through its expiry date).
    pub fn is_expired(expires_on: NaiveDate, today: NaiveDate) -> bool {
        today > expires_on
    }

    /// Points that can be spent today.
    pub fn available(lots: &[LotBalance], today: NaiveDate) -> i64 {
        lots.iter()
            .filter(|l| !is_expired(l.expires_on, today))
            .map(|l| l.remaining.max(0))
            .sum()
    }

    /// Which lots to take `cost` points from: the oldest (soonest to expire) unexpired lots first.
    /// Spending more than is available is an error value, never a partial spend.
    pub fn plan_spend(
        lots: &[LotBalance],
        cost: i64,
        today: NaiveDate,
    ) -> Result<Vec<(i64, i64)>, Problem> {
        if cost <= 0 {
            return Err(Problem::bad_input(
                "兑换所需积分必须大于 0",
                "the points cost must be above zero",
            ));
        }
        let have = available(lots, today);
        if have < cost {
            return Err(Problem::refused(
                format!("积分不足：可用 {have}，需要 {cost}，还差 {}", cost - have),
                format!(
                    "insufficient points: {have} available, {cost} needed ({} short)",
                    cost - have
                ),
            ));
        }
        let mut usable: Vec<&LotBalance> = lots
            .iter()
            .filter(|l| !is_expired(l.expires_on, today) && l.remaining > 0)
            .collect();
        usable.sort_by_key(|l| (l.expires_on, l.id));
        let mut left = cost;
        let mut plan = Vec::new();
        for l in usable {
            if left == 0 {
                break;
            }
            let take = left.min(l.remaining);
            plan.push((l.id, take));
            left -= take;
        }
        Ok(plan)
    }

    /// Lots that have expired by `today` and still hold points: (lot id, points to move out).
    pub fn expired(lots: &[LotBalance], today: NaiveDate) -> Vec<(i64, i64)> {
        lots.iter()
            .filter(|l| is_expired(l.expires_on, today) && l.remaining > 0)
            .map(|l| (l.id, l.remaining))
            .collect()
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use proptest::prelude::*;

        fn d(s: &str) -> NaiveDate {
            s.parse().unwrap()
        }

        fn lot(id: i64, remaining: i64, exp: &str) -> LotBalance {
            LotBalance {
                id,
                remaining,
                expires_on: d(exp),
            }
        }

        #[test]
        fn spends_the_soonest_to_expire_first() {
            let lots = [
                lot(3, 800, "2028-09-30"),
                lot(1, 412, "2026-12-31"),
                lot(2, 625, "2027-06-30"),
            ];
            let plan = plan_spend(&lots, 1000, d("2026-12-04")).unwrap();
            assert_eq!(plan, vec![(1, 412), (2, 588)]);
        }

        #[test]
        fn skips_expired_lots_and_expires_at_the_day_boundary() {
            let lots = [lot(1, 100, "2026-12-31"), lot(2, 50, "2027-06-30")];
            assert_eq!(
                available(&lots, d("2026-12-31")),
                150,
                "valid through its last day"
            );
            assert_eq!(available(&lots, d("2027-01-01")), 50);
            assert_eq!(expired(&lots, d("2027-01-01")), vec![(1, 100)]);
            assert!(expired(&lots, d("2026-12-31")).is_empty());
            let e = plan_spend(&lots, 100, d("2027-01-01")).unwrap_err();
            assert!(e.en.contains("insufficient points: 50 available, 100 needed"));
        }

        #[test]
        fn refuses_bad_costs() {
            assert!(plan_spend(&[], 0, d("2026-01-01")).is_err());
            assert!(plan_spend(&[], -5, d("2026-01-01")).is_err());
        }

        proptest! {
            #[test]
            fn a_plan_takes_exactly_the_cost_from_live_lots(
                lots in proptest::collection::vec((0i64..2000, 0i64..60), 0..8),
                cost in 1i64..6000,
            ) {
                let today = d("2026-12-04");
                let lots: Vec<LotBalance> = lots
                    .iter()
                    .enumerate()
                    .map(|(i, (rem, days))| LotBalance {
                        id: i as i64,
                        remaining: *rem,
                        expires_on: today + chrono::Duration::days(*days - 20),
                    })
                    .collect();
                match plan_spend(&lots, cost, today) {
                    Ok(plan) => {
                        prop_assert_eq!(plan.iter().map(|(_, p)| p).sum::<i64>(), cost);
                        for (id, take) in &plan {
                            let l = lots.iter().find(|l| l.id == *id).unwrap();
                            prop_assert!(*take > 0 && *take <= l.remaining);
                            prop_assert!(!is_expired(l.expires_on, today));
                        }
                    }
                    Err(_) => prop_assert!(available(&lots, today) < cost),
                }
            }
        }
    }
}

/// The points-mall catalogue: items, what they give, and whether a customer may redeem one.
pub mod catalog {
    use crate::domain::customer::CustomerStatus;
    use crate::domain::{Fen, Lang, Problem};
    use serde::{Deserialize, Serialize};

    /// Categories in display order: 话费 流量 通话 短彩信 电子券 合作卡.
    pub const CATEGORIES: [&str; 6] = [
        "phone_credit",
        "data",
        "voice",
        "sms",
        "e_coupon",
        "partner_card",
    ];

    /// The display name of a category.
    pub fn category_label(code: &str, lang: Lang) -> &'static str {
        match code {
            "phone_credit" => lang.pick("话费", "phone credit"),
            "data" => lang.pick("流量", "data"),
            "voice" => lang.pick("通话", "minutes"),
            "sms" => lang.pick("短彩信", "SMS/MMS"),
            "e_coupon" => lang.pick("电子券", "e-coupon"),
            "partner_card" => lang.pick("合作卡", "partner card"),
            _ => lang.pick("其他", "other"),
        }
    }

    /// What redeeming an item does.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Fulfilment {
        /// 话费直充: credit the balance now.
        Credit(Fen),
        /// Add an allowance (`data_mb`, `minutes`, `sms`) to the current month.
        Allowance {
            /// `data_mb`, `minutes` or `sms`.
            kind: String,
            /// How much.
            amount: i64,
        },
        /// Issue a unique coupon code of a partner.
        Coupon {
            /// Code prefix of the partner.
            partner: String,
        },
    }

    /// A catalogue item as written in `assets/points.toml` and stored.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CatalogItem {
        /// Unique code, e.g. `CREDIT30`.
        pub code: String,
        /// Chinese name.
        pub name_zh: String,
        /// English name.
        pub name_en: String,
        /// One of [`CATEGORIES`].
        pub category: String,
        /// Points it costs.
        pub cost_points: i64,
        /// `credit`, `allowance` or `coupon`.
        pub fulfilment: String,
        /// For `credit`: fen credited.
        #[serde(default)]
        pub credit_fen: i64,
        /// For `allowance`: `data_mb`, `minutes` or `sms`.
        #[serde(default)]
        pub allowance_kind: Option<String>,
        /// For `allowance`: how much.
        #[serde(default)]
        pub allowance_amount: i64,
        /// For `coupon`: the partner's code prefix.
        #[serde(default)]
        pub partner: Option<String>,
        /// Units left; `None` is unlimited.
        #[serde(default)]
        pub stock: Option<i64>,
        /// Redemptions per customer per month; `None` is unlimited.
        #[serde(default)]
        pub monthly_limit: Option<i64>,
        /// What it is, in Chinese.
        pub description_zh: String,
        /// What it is, in English.
        pub description_en: String,
    }

    impl CatalogItem {
        /// The name in a language.
        pub fn name(&self, lang: Lang) -> &str {
            lang.pick(&self.name_zh, &self.name_en)
        }

        /// What fulfilment does, checked.
        pub fn fulfilment(&self) -> Result<Fulfilment, Problem> {
            let bad = |why: &str| {
                Problem::bad_input(
                    format!("商品 {} 配置有误：{why}", self.code),
                    format!("catalogue item {} is misconfigured: {why}", self.code),
                )
            };
            match self.fulfilment.as_str() {
                "credit" if self.credit_fen > 0 => Ok(Fulfilment::Credit(Fen(self.credit_fen))),
                "allowance" => match self.allowance_kind.as_deref() {
                    Some(k @ ("data_mb" | "minutes" | "sms")) if self.allowance_amount > 0 => {
                        Ok(Fulfilment::Allowance {
                            kind: k.to_string(),
                            amount: self.allowance_amount,
                        })
                    }
                    _ => Err(bad(
                        "allowance needs allowance_kind data_mb|minutes|sms and a positive amount",
                    )),
                },
                "coupon" => match &self.partner {
                    Some(p) if !p.is_empty() => Ok(Fulfilment::Coupon { partner: p.clone() }),
                    _ => Err(bad("coupon needs a partner")),
                },
                _ => Err(bad(
                    "fulfilment must be credit (with credit_fen), allowance or coupon",
                )),
            }
        }

        /// What the customer gets, in words: `+¥30.00 话费，立即到账`.
        pub fn gets(&self, lang: Lang) -> String {
            match self.fulfilment() {
                Ok(Fulfilment::Credit(f)) => match lang {
                    Lang::Zh => format!("话费余额 +{f}，立即到账"),
                    Lang::En => format!("+{f} on the balance, at once"),
                },
                Ok(Fulfilment::Allowance { kind, amount }) => {
                    let what = allowance_text(&kind, amount, lang);
                    match lang {
                        Lang::Zh => format!("本月 {what}，立即生效"),
                        Lang::En => format!("{what} this month, at once"),
                    }
                }
                Ok(Fulfilment::Coupon { .. }) => lang
                    .pick(
                        "唯一兑换码（见兑换记录）",
                        "a unique coupon code (see history)",
                    )
                    .to_string(),
                Err(e) => e.message(lang).to_string(),
            }
        }
    }

    /// `+1GB 流量`, `+30 minutes` …
    pub fn allowance_text(kind: &str, amount: i64, lang: Lang) -> String {
        match kind {
            "data_mb" if amount % 1024 == 0 => {
                format!("+{}GB {}", amount / 1024, lang.pick("流量", "data"))
            }
            "data_mb" => format!("+{amount}MB {}", lang.pick("流量", "data")),
            "minutes" => format!("+{amount} {}", lang.pick("分钟通话", "minutes")),
            "sms" => format!("+{amount} {}", lang.pick("条短彩信", "SMS/MMS")),
            other => format!("+{amount} {other}"),
        }
    }

    /// The checks of a redemption, in the order a clerk would explain them; the first that fails is named.
    pub fn check_redeemable(
        item: &CatalogItem,
        status: CustomerStatus,
        stock_left: Option<i64>,
        redeemed_this_month: i64,
        available_points: i64,
    ) -> Result<(), Problem> {
        match status {
            CustomerStatus::Suspended => {
                return Err(Problem::refused(
                    "客户已停机，积分冻结，充值复机后才能兑换",
                    "the customer is suspended: points are frozen until a top-up reactivates the line",
                ));
            }
            CustomerStatus::Closed => {
                return Err(Problem::refused(
                    "客户已销户，积分不能兑换",
                    "the customer is closed: points cannot be redeemed",
                ));
            }
            CustomerStatus::Active => {}
        }
        if stock_left.is_some_and(|s| s <= 0) {
            return Err(Problem::refused(
                format!("“{}”已兑完，库存为 0", item.name_zh),
                format!("\"{}\" is out of stock", item.name_en),
            ));
        }
        if let Some(limit) = item.monthly_limit
            && redeemed_this_month >= limit
        {
            return Err(Problem::refused(
                format!(
                    "“{}”每月每人限兑 {limit} 次，本月已兑 {redeemed_this_month} 次",
                    item.name_zh
                ),
                format!(
                    "\"{}\" is limited to {limit} per customer per month; already {redeemed_this_month} this month",
                    item.name_en
                ),
            ));
        }
        if available_points < item.cost_points {
            return Err(Problem::refused(
                format!(
                    "积分不足：可用 {available_points}，需要 {}，还差 {}",
                    item.cost_points,
                    item.cost_points - available_points
                ),
                format!(
                    "insufficient points: {available_points} available, {} needed ({} short)",
                    item.cost_points,
                    item.cost_points - available_points
                ),
            ));
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn item() -> CatalogItem {
            CatalogItem {
                code: "CREDIT30".into(),
                name_zh: "30元话费直充".into(),
                name_en: "¥30 phone credit".into(),
                category: "phone_credit".into(),
                cost_points: 2500,
                fulfilment: "credit".into(),
                credit_fen: 3000,
                allowance_kind: None,
                allowance_amount: 0,
                partner: None,
                stock: None,
                monthly_limit: Some(2),
                description_zh: String::new(),
                description_en: String::new(),
            }
        }

        #[test]
        fn each_check_is_named() {
            let i = item();
            assert!(check_redeemable(&i, CustomerStatus::Active, None, 0, 2537).is_ok());
            let e = |r: Result<(), Problem>| r.unwrap_err().en;
            assert!(
                e(check_redeemable(
                    &i,
                    CustomerStatus::Suspended,
                    None,
                    0,
                    9999
                ))
                .contains("frozen")
            );
            assert!(
                e(check_redeemable(&i, CustomerStatus::Closed, None, 0, 9999)).contains("closed")
            );
            assert!(
                e(check_redeemable(
                    &i,
                    CustomerStatus::Active,
                    Some(0),
                    0,
                    9999
                ))
                .contains("out of stock")
            );
            assert!(
                e(check_redeemable(&i, CustomerStatus::Active, None, 2, 9999))
                    .contains("limited to 2")
            );
            assert!(
                e(check_redeemable(&i, CustomerStatus::Active, None, 0, 37))
                    .contains("insufficient points")
            );
        }

        #[test]
        fn fulfilment_is_validated_and_described() {
            assert_eq!(item().fulfilment(), Ok(Fulfilment::Credit(Fen(3000))));
            assert_eq!(item().gets(Lang::En), "+¥30.00 on the balance, at once");
            let mut bad = item();
            bad.credit_fen = 0;
            assert!(bad.fulfilment().is_err());
            assert_eq!(allowance_text("data_mb", 1024, Lang::En), "+1GB data");
            assert_eq!(allowance_text("data_mb", 100, Lang::Zh), "+100MB 流量");
        }

        #[test]
        fn the_shipped_catalogue_is_valid() {
            #[derive(Deserialize)]
            struct File {
                expiry_months: u32,
                item: Vec<CatalogItem>,
            }
            let f: File = toml::from_str(crate::assets::POINTS).unwrap();
            assert_eq!(f.expiry_months, super::super::DEFAULT_EXPIRY_MONTHS);
            for i in &f.item {
                i.fulfilment().unwrap();
                assert!(CATEGORIES.contains(&i.category.as_str()), "{}", i.code);
                assert!(i.cost_points > 0);
            }
            let c30 = f.item.iter().find(|i| i.code == "CREDIT30").unwrap();
            assert_eq!(
                (c30.cost_points, c30.credit_fen, c30.name_zh.as_str()),
                (2500, 3000, "30元话费直充")
            );
            for cat in CATEGORIES {
                assert!(f.item.iter().any(|i| i.category == cat), "{cat} has items");
            }
            assert!(
                f.item.iter().any(|i| i.cost_points <= 100),
                "a low-threshold item exists"
            );
        }
    }
}
