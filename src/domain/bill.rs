//! The monthly bill (月账单): seven categories, every item named and explained.

use crate::domain::rating::{Rated, Usage};
use crate::domain::{Fen, Lang};
use serde::{Deserialize, Serialize};

/// A bill category, in the order bills list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 套餐及固定费
    PlanFixed,
    /// 语音通信费
    Voice,
    /// 上网费
    Data,
    /// 短彩信费
    Sms,
    /// 增值业务费
    Vas,
    /// 代收费
    ThirdParty,
    /// 优惠减免
    Discount,
}

impl Category {
    /// Every category in bill order.
    pub const ALL: [Category; 7] = [
        Category::PlanFixed,
        Category::Voice,
        Category::Data,
        Category::Sms,
        Category::Vas,
        Category::ThirdParty,
        Category::Discount,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Category::PlanFixed => "plan_fixed",
            Category::Voice => "voice",
            Category::Data => "data",
            Category::Sms => "sms",
            Category::Vas => "vas",
            Category::ThirdParty => "third_party",
            Category::Discount => "discount",
        }
    }

    /// Parses the stored code.
    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == s)
    }

    /// The name on the bill.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Category::PlanFixed => lang.pick("套餐及固定费", "Plan & fixed fees"),
            Category::Voice => lang.pick("语音通信费", "Voice"),
            Category::Data => lang.pick("上网费", "Data"),
            Category::Sms => lang.pick("短彩信费", "SMS/MMS"),
            Category::Vas => lang.pick("增值业务费", "Value-added services"),
            Category::ThirdParty => lang.pick("代收费", "Third-party charges"),
            Category::Discount => lang.pick("优惠减免", "Discounts"),
        }
    }

    /// A short name for chart legends.
    pub fn short(self, lang: Lang) -> &'static str {
        match self {
            Category::PlanFixed => lang.pick("套餐", "plan"),
            Category::Voice => lang.pick("语音", "voice"),
            Category::Data => lang.pick("上网", "data"),
            Category::Sms => lang.pick("短信", "sms"),
            Category::Vas => lang.pick("增值", "VAS"),
            Category::ThirdParty => lang.pick("代收", "3rd"),
            Category::Discount => lang.pick("优惠", "disc."),
        }
    }
}

/// One line of a bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillItem {
    /// Category.
    pub category: Category,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// What it is, in Chinese.
    pub explanation_zh: String,
    /// What it is, in English.
    pub explanation_en: String,
    /// Signed amount (discounts are negative).
    pub amount_fen: i64,
}

/// A value-added service charged this month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VasCharge {
    /// Service code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// What it is and how to cancel, in Chinese.
    pub description_zh: String,
    /// The same in English.
    pub description_en: String,
    /// Monthly fee.
    pub fee_fen: i64,
    /// Local date subscribed.
    pub subscribed_on: String,
}

/// A third-party charge collected for a partner (代收费).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThirdPartyCharge {
    /// The partner's service name.
    pub service: String,
    /// Total this month.
    pub fee_fen: i64,
    /// Events this month.
    pub events: i64,
}

/// A discount rule from `assets/rates.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discount {
    /// Code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Why, in Chinese.
    pub explanation_zh: String,
    /// Why, in English.
    pub explanation_en: String,
    /// Applies from this star level up.
    #[serde(default)]
    pub min_stars: Option<u8>,
    /// Applies to this customer type only.
    #[serde(default)]
    pub customer_type: Option<String>,
    /// Percent of the plan fee taken off.
    #[serde(default)]
    pub percent_of_plan: i64,
    /// Fixed amount taken off.
    #[serde(default)]
    pub fixed_fen: i64,
}

impl Discount {
    /// True when it applies to a customer.
    pub fn applies(&self, stars: u8, customer_type: &str) -> bool {
        self.min_stars.is_none_or(|m| stars >= m)
            && self
                .customer_type
                .as_deref()
                .is_none_or(|t| t == customer_type)
    }

    /// The amount taken off (positive) for a plan fee.
    pub fn amount(&self, plan_fee: Fen) -> i64 {
        plan_fee.0 * self.percent_of_plan / 100 + self.fixed_fen
    }
}

/// Everything a bill is made from.
#[derive(Debug, Clone)]
pub struct BillInput<'a> {
    /// Plan code.
    pub plan_code: &'a str,
    /// Plan name in Chinese.
    pub plan_zh: &'a str,
    /// Plan name in English.
    pub plan_en: &'a str,
    /// Plan fee.
    pub plan_fee: Fen,
    /// What the plan includes, in Chinese.
    pub plan_desc_zh: &'a str,
    /// The same in English.
    pub plan_desc_en: &'a str,
    /// The month's usage.
    pub usage: Usage,
    /// Its rating.
    pub rated: Rated,
    /// Subscriptions charged.
    pub vas: &'a [VasCharge],
    /// Partner charges.
    pub third_party: &'a [ThirdPartyCharge],
    /// Discounts that apply.
    pub discounts: &'a [&'a Discount],
}

/// Composes the items of a bill. Usage categories appear only when they cost something.
pub fn compose(b: &BillInput<'_>) -> Vec<BillItem> {
    let mut items = vec![BillItem {
        category: Category::PlanFixed,
        name_zh: format!("{}月费", b.plan_zh),
        name_en: format!("{} monthly fee", b.plan_en),
        explanation_zh: format!("套餐 {}：{}", b.plan_code, b.plan_desc_zh),
        explanation_en: format!("plan {}: {}", b.plan_code, b.plan_desc_en),
        amount_fen: b.plan_fee.0,
    }];
    let r = &b.rated;
    if r.voice_fen > 0 {
        items.push(BillItem {
            category: Category::Voice,
            name_zh: "国内通话超出套餐".into(),
            name_en: "Domestic calls beyond the plan".into(),
            explanation_zh: format!(
                "本月主叫 {} 分钟，超出套餐 {} 分钟，按每分钟计费（不足一分钟按一分钟）",
                b.usage.voice_out_minutes, r.over_minutes
            ),
            explanation_en: format!(
                "{} outgoing minutes, {} beyond the plan, charged per started minute",
                b.usage.voice_out_minutes, r.over_minutes
            ),
            amount_fen: r.voice_fen,
        });
    }
    if r.roaming_fen > 0 {
        items.push(BillItem {
            category: Category::Voice,
            name_zh: "国际漫游通话".into(),
            name_en: "International roaming calls".into(),
            explanation_zh: format!(
                "在境外主被叫共 {} 分钟，按漫游资费计费",
                b.usage.roaming_minutes
            ),
            explanation_en: format!(
                "{} minutes made or taken abroad, at roaming rates",
                b.usage.roaming_minutes
            ),
            amount_fen: r.roaming_fen,
        });
    }
    if r.data_fen > 0 {
        items.push(BillItem {
            category: Category::Data,
            name_zh: "国内流量超出套餐".into(),
            name_en: "Domestic data beyond the plan".into(),
            explanation_zh: format!(
                "本月使用 {} MB，超出套餐 {} MB，按 MB 计费",
                r.used_mb, r.over_mb
            ),
            explanation_en: format!(
                "{} MB used, {} MB beyond the plan, charged per started MB",
                r.used_mb, r.over_mb
            ),
            amount_fen: r.data_fen,
        });
    }
    if r.sms_fen > 0 {
        items.push(BillItem {
            category: Category::Sms,
            name_zh: "短信彩信".into(),
            name_en: "SMS and MMS".into(),
            explanation_zh: format!(
                "短信 {} 条（超出套餐 {} 条）、彩信 {} 条",
                b.usage.sms, r.over_sms, b.usage.mms
            ),
            explanation_en: format!(
                "{} SMS ({} beyond the plan) and {} MMS",
                b.usage.sms, r.over_sms, b.usage.mms
            ),
            amount_fen: r.sms_fen,
        });
    }
    for v in b.vas {
        items.push(BillItem {
            category: Category::Vas,
            name_zh: v.name_zh.clone(),
            name_en: v.name_en.clone(),
            explanation_zh: format!("{}（{} 开通）", v.description_zh, v.subscribed_on),
            explanation_en: format!("{} (subscribed {})", v.description_en, v.subscribed_on),
            amount_fen: v.fee_fen,
        });
    }
    for t in b.third_party {
        items.push(BillItem {
            category: Category::ThirdParty,
            name_zh: format!("代收：{}", t.service),
            name_en: format!("Collected for {}", t.service),
            explanation_zh: format!("本月 {} 次按次付费，由中国移动代合作方收取", t.events),
            explanation_en: format!(
                "{} pay-per-use charges this month, collected on the partner's behalf",
                t.events
            ),
            amount_fen: t.fee_fen,
        });
    }
    for d in b.discounts {
        let amount = d.amount(b.plan_fee);
        if amount > 0 {
            items.push(BillItem {
                category: Category::Discount,
                name_zh: d.name_zh.clone(),
                name_en: d.name_en.clone(),
                explanation_zh: d.explanation_zh.clone(),
                explanation_en: d.explanation_en.clone(),
                amount_fen: -amount,
            });
        }
    }
    items
}

/// A bill's total: the sum of its items, never below zero (a discount cannot pay the customer).
pub fn total(items: &[BillItem]) -> Fen {
    Fen(items.iter().map(|i| i.amount_fen).sum::<i64>().max(0))
}

/// The sum per category, in bill order (categories without items are zero).
pub fn by_category(items: &[BillItem]) -> Vec<(Category, i64)> {
    Category::ALL
        .iter()
        .map(|c| {
            (
                *c,
                items
                    .iter()
                    .filter(|i| i.category == *c)
                    .map(|i| i.amount_fen)
                    .sum(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rating::{CommonRates, Extra, PlanRates, rate};

    fn input<'a>(
        usage: Usage,
        vas: &'a [VasCharge],
        tp: &'a [ThirdPartyCharge],
        d: &'a [&'a Discount],
    ) -> BillInput<'a> {
        let plan = PlanRates {
            fee_fen: 8800,
            minutes: 400,
            data_mb: 20480,
            sms: 100,
            voice_fen_per_min: 19,
            sms_fen: 10,
            data_fen_per_mb: 3,
        };
        let common = CommonRates {
            roaming_voice_fen_per_min: 99,
            mms_fen: 30,
        };
        BillInput {
            plan_code: "GT88",
            plan_zh: "全球通畅享88元套餐",
            plan_en: "GoTone Enjoy 88",
            plan_fee: Fen(8800),
            plan_desc_zh: "400 分钟",
            plan_desc_en: "400 minutes",
            usage,
            rated: rate(&plan, &Extra::default(), &common, &usage),
            vas,
            third_party: tp,
            discounts: d,
        }
    }

    #[test]
    fn a_bill_lists_plan_usage_vas_third_party_and_discounts() {
        let vas = [VasCharge {
            code: "VAS_RBT".into(),
            name_zh: "彩铃".into(),
            name_en: "Ringback tone".into(),
            description_zh: "主叫听到音乐；发送 QXCL 到 10086 取消".into(),
            description_en: "callers hear music; text QXCL to 10086 to cancel".into(),
            fee_fen: 500,
            subscribed_on: "2024-03-15".into(),
        }];
        let tp = [ThirdPartyCharge {
            service: "游戏点券".into(),
            fee_fen: 600,
            events: 2,
        }];
        let d = Discount {
            code: "STAR5".into(),
            name_zh: "九折".into(),
            name_en: "10% off".into(),
            explanation_zh: String::new(),
            explanation_en: String::new(),
            min_stars: Some(5),
            customer_type: None,
            percent_of_plan: 10,
            fixed_fen: 0,
        };
        let usage = Usage {
            voice_out_minutes: 410,
            roaming_minutes: 2,
            data_kb: 21 * 1024 * 1024,
            sms: 100,
            mms: 1,
            ..Usage::default()
        };
        let discounts = [&d];
        let items = compose(&input(usage, &vas, &tp, &discounts));
        let cats: Vec<Category> = items.iter().map(|i| i.category).collect();
        assert_eq!(
            cats,
            vec![
                Category::PlanFixed,
                Category::Voice,
                Category::Voice,
                Category::Data,
                Category::Sms,
                Category::Vas,
                Category::ThirdParty,
                Category::Discount
            ]
        );
        let vas_item = items.iter().find(|i| i.category == Category::Vas).unwrap();
        assert!(
            vas_item.explanation_zh.contains("2024-03-15")
                && vas_item.explanation_zh.contains("取消")
        );
        assert_eq!(
            total(&items),
            Fen(8800 + 190 + 198 + 3 * 1024 + 30 + 500 + 600 - 880)
        );
        let sums = by_category(&items);
        assert_eq!(sums[0], (Category::PlanFixed, 8800));
        assert_eq!(sums[6], (Category::Discount, -880));
    }

    #[test]
    fn a_quiet_month_is_just_the_plan_fee() {
        let items = compose(&input(Usage::default(), &[], &[], &[]));
        assert_eq!(items.len(), 1);
        assert_eq!(total(&items), Fen(8800));
    }

    #[test]
    fn discounts_apply_by_stars_and_type() {
        let d = Discount {
            code: "CORP".into(),
            name_zh: String::new(),
            name_en: String::new(),
            explanation_zh: String::new(),
            explanation_en: String::new(),
            min_stars: None,
            customer_type: Some("corporate".into()),
            percent_of_plan: 0,
            fixed_fen: 1000,
        };
        assert!(d.applies(1, "corporate"));
        assert!(!d.applies(5, "consumer"));
        assert_eq!(d.amount(Fen(8800)), 1000);
        assert_eq!(
            total(&[BillItem {
                category: Category::Discount,
                name_zh: String::new(),
                name_en: String::new(),
                explanation_zh: String::new(),
                explanation_en: String::new(),
                amount_fen: -5
            }]),
            Fen(0)
        );
    }

    #[test]
    fn category_codes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.code()), Some(c));
        }
    }
}
