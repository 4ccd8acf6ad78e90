//! Quick top-up (快捷充值): amounts, channels, promotions, payment states and the refund rule.
//! Every figure comes from `assets/topup.toml`; this module only applies it.

use crate::domain::{Fen, Lang, Problem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How the payer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// 现金
    Cash,
    /// 银行卡
    Card,
    /// 支付宝
    Alipay,
    /// 微信支付
    Wechat,
}

impl Channel {
    /// Every channel, in the order screens offer them.
    pub const ALL: [Channel; 4] = [
        Channel::Cash,
        Channel::Card,
        Channel::Alipay,
        Channel::Wechat,
    ];

    /// Stored and command-line code.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Cash => "cash",
            Channel::Card => "card",
            Channel::Alipay => "alipay",
            Channel::Wechat => "wechat",
        }
    }

    /// Parses a code (or its Chinese name).
    pub fn parse(s: &str) -> Result<Channel, Problem> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cash" | "现金" => Ok(Channel::Cash),
            "card" | "bank" | "银行卡" => Ok(Channel::Card),
            "alipay" | "支付宝" => Ok(Channel::Alipay),
            "wechat" | "weixin" | "微信" | "微信支付" => Ok(Channel::Wechat),
            other => Err(Problem::bad_input(
                format!("未知的支付渠道“{other}”：可选 cash、card、alipay、wechat"),
                format!("unknown channel \"{other}\": use cash, card, alipay or wechat"),
            )),
        }
    }

    /// Display name.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Channel::Cash => lang.pick("现金", "cash"),
            Channel::Card => lang.pick("银行卡", "bank card"),
            Channel::Alipay => lang.pick("支付宝", "Alipay"),
            Channel::Wechat => lang.pick("微信支付", "WeChat Pay"),
        }
    }
}

/// Where a payment stands. Only a pending payment changes; it becomes one of the other three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentStatus {
    /// The gateway has not answered (timed out, or the program stopped): complete or void it.
    Pending,
    /// Paid and credited.
    Approved,
    /// The gateway said no: nothing credited.
    Declined,
    /// Given up by the clerk: nothing credited.
    Voided,
}

impl PaymentStatus {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Approved => "approved",
            PaymentStatus::Declined => "declined",
            PaymentStatus::Voided => "voided",
        }
    }

    /// Parses a stored or typed code.
    pub fn parse(s: &str) -> Result<PaymentStatus, Problem> {
        match s.trim() {
            "pending" => Ok(PaymentStatus::Pending),
            "approved" => Ok(PaymentStatus::Approved),
            "declined" => Ok(PaymentStatus::Declined),
            "voided" => Ok(PaymentStatus::Voided),
            other => Err(Problem::bad_input(
                format!("未知的支付状态“{other}”：可选 pending、approved、declined、voided"),
                format!(
                    "unknown payment status \"{other}\": use pending, approved, declined or voided"
                ),
            )),
        }
    }

    /// Display name.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PaymentStatus::Pending => lang.pick("待确认", "pending"),
            PaymentStatus::Approved => lang.pick("已到账", "approved"),
            PaymentStatus::Declined => lang.pick("已拒绝", "declined"),
            PaymentStatus::Voided => lang.pick("已作废", "voided"),
        }
    }
}

/// A promotion as written in `assets/topup.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    /// Unique code, e.g. `WECHAT49`.
    pub code: String,
    /// Chinese name shown to the clerk.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Channels it applies to; empty means every channel.
    #[serde(default)]
    pub channels: Vec<Channel>,
    /// Applies only to exactly this amount.
    #[serde(default)]
    pub amount_fen: Option<i64>,
    /// Applies to amounts of at least this much.
    #[serde(default)]
    pub min_fen: Option<i64>,
    /// Lowers what is paid.
    #[serde(default)]
    pub discount_fen: i64,
    /// Raises what is credited.
    #[serde(default)]
    pub bonus_fen: i64,
    /// First day it applies (counter time).
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    /// Last day it applies.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
}

impl Promotion {
    /// The name in a language.
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_zh, &self.name_en)
    }

    /// True when it applies to this amount, channel and day.
    pub fn applies(&self, amount: Fen, channel: Channel, day: NaiveDate) -> bool {
        (self.channels.is_empty() || self.channels.contains(&channel))
            && self.amount_fen.is_none_or(|a| amount.0 == a)
            && self.min_fen.is_none_or(|m| amount.0 >= m)
            && self.starts_on.is_none_or(|d| day >= d)
            && self.ends_on.is_none_or(|d| day <= d)
            && self.discount_fen < amount.0
    }

    /// What it is worth to the customer, in fen.
    pub fn benefit(&self) -> i64 {
        self.discount_fen + self.bonus_fen
    }
}

/// The top-up rules: presets, limits and promotions.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TopUpRules {
    /// Preset amounts in whole yuan.
    pub presets_yuan: Vec<i64>,
    /// Smallest amount.
    pub min_fen: i64,
    /// Largest amount.
    pub max_fen: i64,
    /// Promotions.
    #[serde(default, rename = "promotion")]
    pub promotions: Vec<Promotion>,
}

/// What a top-up of an amount on a channel comes to, shown before confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The face value chosen.
    pub amount: Fen,
    /// What the payer pays.
    pub paid: Fen,
    /// What the balance gets.
    pub credited: Fen,
    /// The promotion applied, if any.
    pub promotion: Option<Promotion>,
}

impl TopUpRules {
    /// The preset amounts.
    pub fn presets(&self) -> Vec<Fen> {
        self.presets_yuan.iter().map(|y| Fen::yuan(*y)).collect()
    }

    /// Checks an amount against the limits.
    pub fn check_amount(&self, amount: Fen) -> Result<Fen, Problem> {
        let (min, max) = (Fen(self.min_fen), Fen(self.max_fen));
        if amount < min {
            return Err(Problem::bad_input(
                format!("充值金额 {amount} 太小：最少 {min}"),
                format!("a top-up of {amount} is too small: the least is {min}"),
            ));
        }
        if amount > max {
            return Err(Problem::bad_input(
                format!("充值金额 {amount} 太大：单笔最多 {max}"),
                format!("a top-up of {amount} is too large: at most {max} at a time"),
            ));
        }
        Ok(amount)
    }

    /// Parses what the clerk typed (`50`, `50.5`, `¥50`, `50元`) and checks the limits.
    pub fn parse_amount(&self, input: &str) -> Result<Fen, Problem> {
        self.check_amount(Fen::parse(input)?)
    }

    /// The best promotion for an amount on a channel and day, and what is paid and credited.
    pub fn quote(&self, amount: Fen, channel: Channel, day: NaiveDate) -> Quote {
        let mut best: Option<&Promotion> = None;
        for p in self
            .promotions
            .iter()
            .filter(|p| p.applies(amount, channel, day))
        {
            if best.is_none_or(|b| p.benefit() > b.benefit()) {
                best = Some(p);
            }
        }
        let (discount, bonus) = best.map_or((0, 0), |p| (p.discount_fen, p.bonus_fen));
        Quote {
            amount,
            paid: Fen(amount.0 - discount),
            credited: Fen(amount.0 + bonus),
            promotion: best.cloned(),
        }
    }

    /// Checks the rules themselves (assets are tested with this).
    pub fn validate(&self) -> Result<(), String> {
        if self.min_fen <= 0 || self.max_fen < self.min_fen {
            return Err("limits: need 0 < min_fen <= max_fen".into());
        }
        for y in &self.presets_yuan {
            let f = Fen::yuan(*y);
            if f.0 < self.min_fen || f.0 > self.max_fen {
                return Err(format!("preset ¥{y} is outside the limits"));
            }
        }
        for p in &self.promotions {
            if p.discount_fen < 0 || p.bonus_fen < 0 || p.benefit() == 0 {
                return Err(format!("{}: needs a positive discount or bonus", p.code));
            }
            if p.amount_fen.is_none() && p.min_fen.is_none() && p.discount_fen > 0 {
                return Err(format!(
                    "{}: a discount needs amount_fen or min_fen",
                    p.code
                ));
            }
        }
        Ok(())
    }
}

/// The refund rule, stated once for screens and the README.
pub fn refund_rule(lang: Lang) -> &'static str {
    lang.pick(
        "退款规则：每笔已到账的充值只能退款一次（值班长办理，须填原因）；退款从余额扣回，金额不超过该笔到账金额，也不超过客户当前余额（已经用掉的话费不退）；退还付款人的金额按实付比例折算。",
        "Refund rule: an approved top-up can be refunded once (by a supervisor, with a reason); the refund is taken back from the balance and is at most what that top-up credited and at most the customer's current balance (money already spent is not refunded); the payer gets back the same share of what was paid.",
    )
}

/// How much of a top-up may still be refunded: nothing if it was refunded before, else
/// what it credited, capped by what is left on the balance (never below zero).
pub fn refundable(credited: Fen, already_refunded: bool, balance: Fen) -> Fen {
    if already_refunded {
        return Fen::ZERO;
    }
    credited.min(balance.max(Fen::ZERO))
}

/// Checks a requested refund against the rule; `None` asks for the most allowed.
pub fn check_refund(
    requested: Option<Fen>,
    credited: Fen,
    already_refunded: bool,
    balance: Fen,
) -> Result<Fen, Problem> {
    if already_refunded {
        return Err(Problem::refused(
            "这笔充值已经退过款：每笔充值只能退款一次",
            "this top-up has already been refunded: a top-up can be refunded once",
        ));
    }
    let max = refundable(credited, false, balance);
    if max == Fen::ZERO {
        return Err(Problem::refused(
            format!("客户当前余额为 {balance}，没有可退的金额（已用掉的话费不退）"),
            format!(
                "the customer's balance is {balance}: nothing is left to refund (money already spent is not refunded)"
            ),
        ));
    }
    let amount = requested.unwrap_or(max);
    if amount <= Fen::ZERO {
        return Err(Problem::bad_input(
            "退款金额必须大于零",
            "a refund must be more than zero",
        ));
    }
    if amount > max {
        return Err(Problem::refused(
            format!("最多可退 {max}：不超过该笔到账 {credited}，也不超过当前余额 {balance}"),
            format!(
                "at most {max} can be refunded: no more than the top-up credited ({credited}) nor than the current balance ({balance})"
            ),
        ));
    }
    Ok(amount)
}

/// What goes back to the payer when `refund` of a top-up that credited `credited` for `paid`
/// is refunded: the same share of what was paid, rounded down to the fen.
pub fn returned_to_payer(refund: Fen, paid: Fen, credited: Fen) -> Fen {
    if credited.0 <= 0 {
        return Fen::ZERO;
    }
    let share = i128::from(refund.0) * i128::from(paid.0) / i128::from(credited.0);
    Fen(share as i64)
}

/// Checks an idempotency key: 1–64 letters, digits, `-`, `_`, `.` or `:`.
pub fn validate_request_id(s: &str) -> Result<String, Problem> {
    let id = s.trim();
    let ok = (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if ok {
        Ok(id.to_string())
    } else {
        Err(Problem::bad_input(
            format!("请求号“{id}”无效：1–64 位字母、数字或 - _ . :"),
            format!("request id \"{id}\" is not valid: use 1–64 letters, digits, - _ . or :"),
        ))
    }
}

/// The receipt serial of a payment: `TU20261204-000123`.
pub fn serial(day: NaiveDate, id: i64) -> String {
    format!("TU{}-{id:06}", day.format("%Y%m%d"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ProblemKind;

    fn rules() -> TopUpRules {
        toml::from_str(crate::assets::TOPUP).unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    #[test]
    fn shipped_rules_are_valid() {
        let r = rules();
        r.validate().unwrap();
        assert_eq!(
            r.presets(),
            [10, 20, 30, 50, 100, 200, 300, 500].map(Fen::yuan)
        );
        assert_eq!((r.min_fen, r.max_fen), (100, 500_000));
    }

    #[test]
    fn amounts_are_parsed_and_limited_with_a_reason() {
        let r = rules();
        assert_eq!(r.parse_amount("50"), Ok(Fen(5_000)));
        assert_eq!(r.parse_amount("¥1"), Ok(Fen(100)));
        assert_eq!(r.parse_amount("5000"), Ok(Fen(500_000)));
        assert_eq!(r.parse_amount("50.5"), Ok(Fen(5_050)));
        for (s, why) in [
            ("0", "too small"),
            ("0.99", "too small"),
            ("-5", "sign"),
            ("5001", "too large"),
            ("5000.01", "too large"),
            ("50.555", "more than two decimals"),
            ("abc", "not an amount"),
            ("", "empty"),
        ] {
            let e = r.parse_amount(s).unwrap_err();
            assert_eq!(e.kind, ProblemKind::BadInput, "{s}");
            assert!(e.en.contains(why), "{s}: {}", e.en);
            assert!(!e.zh.is_empty());
        }
    }

    #[test]
    fn promotion_arithmetic() {
        let r = rules();
        // Pay ¥49 for ¥50 on WeChat Pay, but not on cash or for ¥51.
        let q = r.quote(Fen(5_000), Channel::Wechat, day());
        assert_eq!((q.paid, q.credited), (Fen(4_900), Fen(5_000)));
        assert_eq!(q.promotion.unwrap().code, "WECHAT49");
        let q = r.quote(Fen(5_000), Channel::Cash, day());
        assert_eq!(
            (q.paid, q.credited, q.promotion),
            (Fen(5_000), Fen(5_000), None)
        );
        assert_eq!(r.quote(Fen(5_100), Channel::Wechat, day()).promotion, None);
        // 充100送10 at the counter, from ¥100 up.
        let q = r.quote(Fen(10_000), Channel::Cash, day());
        assert_eq!((q.paid, q.credited), (Fen(10_000), Fen(11_000)));
        let q = r.quote(Fen(9_999), Channel::Card, day());
        assert_eq!(q.credited, Fen(9_999));
        // The promotion worth most wins: ¥300 by cash gets ¥40, not ¥10.
        let q = r.quote(Fen(30_000), Channel::Cash, day());
        assert_eq!(q.credited, Fen(34_000));
        assert_eq!(q.promotion.unwrap().code, "BONUS40");
        // Alipay ¥100: pay ¥98.
        let q = r.quote(Fen(10_000), Channel::Alipay, day());
        assert_eq!((q.paid, q.credited), (Fen(9_800), Fen(10_000)));
        // Not before it starts.
        let before = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        assert_eq!(r.quote(Fen(5_000), Channel::Wechat, before).promotion, None);
    }

    #[test]
    fn ties_go_to_the_first_listed_and_discounts_never_make_it_free() {
        let p = |code: &str, discount: i64| Promotion {
            code: code.into(),
            name_zh: code.into(),
            name_en: code.into(),
            channels: vec![],
            amount_fen: None,
            min_fen: Some(100),
            discount_fen: discount,
            bonus_fen: 0,
            starts_on: None,
            ends_on: None,
        };
        let r = TopUpRules {
            presets_yuan: vec![1],
            min_fen: 100,
            max_fen: 1_000,
            promotions: vec![p("A", 50), p("B", 50), p("FREE", 100)],
        };
        let q = r.quote(Fen(100), Channel::Cash, day());
        assert_eq!(q.promotion.unwrap().code, "A");
        assert_eq!(q.paid, Fen(50));
        let q = r.quote(Fen(200), Channel::Cash, day());
        assert_eq!(q.promotion.unwrap().code, "FREE");
        assert_eq!(q.paid, Fen(100));
    }

    #[test]
    fn refund_limits() {
        // At most what was credited, at most the balance, once.
        assert_eq!(refundable(Fen(5_000), false, Fen(20_000)), Fen(5_000));
        assert_eq!(refundable(Fen(5_000), false, Fen(1_234)), Fen(1_234));
        assert_eq!(refundable(Fen(5_000), false, Fen(-500)), Fen::ZERO);
        assert_eq!(refundable(Fen(5_000), true, Fen(20_000)), Fen::ZERO);
        assert_eq!(
            check_refund(None, Fen(5_000), false, Fen(20_000)),
            Ok(Fen(5_000))
        );
        assert_eq!(
            check_refund(Some(Fen(1_000)), Fen(5_000), false, Fen(20_000)),
            Ok(Fen(1_000))
        );
        let e = check_refund(Some(Fen(5_001)), Fen(5_000), false, Fen(20_000)).unwrap_err();
        assert_eq!(e.kind, ProblemKind::Refused);
        let e = check_refund(Some(Fen(1_235)), Fen(5_000), false, Fen(1_234)).unwrap_err();
        assert!(e.en.contains("at most ¥12.34"), "{}", e.en);
        let e = check_refund(None, Fen(5_000), false, Fen::ZERO).unwrap_err();
        assert!(e.en.contains("nothing is left"));
        let e = check_refund(None, Fen(5_000), true, Fen(9_000)).unwrap_err();
        assert!(e.en.contains("already been refunded"));
        assert_eq!(
            check_refund(Some(Fen::ZERO), Fen(5_000), false, Fen(9_000))
                .unwrap_err()
                .kind,
            ProblemKind::BadInput
        );
    }

    #[test]
    fn the_payer_gets_back_the_paid_share() {
        // Paid ¥49 for ¥50: a full refund returns ¥49, half returns ¥24.50.
        assert_eq!(
            returned_to_payer(Fen(5_000), Fen(4_900), Fen(5_000)),
            Fen(4_900)
        );
        assert_eq!(
            returned_to_payer(Fen(2_500), Fen(4_900), Fen(5_000)),
            Fen(2_450)
        );
        // Paid ¥100 for ¥110: refunding ¥110 returns ¥100; ¥1 returns 90 fen (rounded down).
        assert_eq!(
            returned_to_payer(Fen(11_000), Fen(10_000), Fen(11_000)),
            Fen(10_000)
        );
        assert_eq!(
            returned_to_payer(Fen(100), Fen(10_000), Fen(11_000)),
            Fen(90)
        );
        assert_eq!(returned_to_payer(Fen(100), Fen(100), Fen::ZERO), Fen::ZERO);
    }

    #[test]
    fn request_ids_and_serials() {
        assert_eq!(validate_request_id(" abc-1 "), Ok("abc-1".into()));
        assert!(validate_request_id("").is_err());
        assert!(validate_request_id("has space").is_err());
        assert!(validate_request_id(&"x".repeat(65)).is_err());
        assert_eq!(serial(day(), 123), "TU20261204-000123");
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.code()), Ok(c));
        }
        assert!(Channel::parse("paypal").is_err());
        for s in ["pending", "approved", "declined", "voided"] {
            assert_eq!(PaymentStatus::parse(s).unwrap().code(), s);
        }
    }
}
