//! Plan advice (套餐建议): price the last months' usage under every plan and pack, recommend the cheapest.

use crate::domain::Fen;
use crate::domain::rating::{CommonRates, Extra, PlanRates, Usage, monthly_cost};
use serde::Serialize;

/// A plan that could be chosen, with an optional pack bought every month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Plan code.
    pub plan: String,
    /// Pack code bought monthly, if any.
    pub pack: Option<String>,
    /// Plan rates.
    pub rates: PlanRates,
    /// The pack's allowance and its monthly price.
    pub pack_extra: Extra,
    /// Pack price.
    pub pack_fen: i64,
}

/// One priced choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Priced {
    /// Plan code.
    pub plan: String,
    /// Pack code, if any.
    pub pack: Option<String>,
    /// Average monthly cost over the months priced.
    pub monthly_fen: i64,
}

/// The advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Advice {
    /// Months of usage priced.
    pub months: usize,
    /// What the current plan costs a month on average.
    pub current: Priced,
    /// The cheapest choice.
    pub best: Priced,
    /// Monthly saving of the best over the current (0 when the current is best).
    pub saving_fen: i64,
    /// Every choice, cheapest first.
    pub ranked: Vec<Priced>,
}

impl Advice {
    /// True when the current plan is already the cheapest fit.
    pub fn current_is_best(&self) -> bool {
        self.saving_fen <= 0
    }
}

fn average(option: &Choice, extra: &Extra, common: &CommonRates, months: &[Usage]) -> i64 {
    if months.is_empty() {
        return option.rates.fee_fen + option.pack_fen;
    }
    let total: i64 = months
        .iter()
        .map(|u| {
            let e = Extra {
                minutes: extra.minutes + option.pack_extra.minutes,
                data_mb: extra.data_mb + option.pack_extra.data_mb,
                sms: extra.sms + option.pack_extra.sms,
            };
            monthly_cost(&option.rates, &e, common, u).0 + option.pack_fen
        })
        .sum();
    // Round half up to whole fen.
    (total * 2 + months.len() as i64) / (2 * months.len() as i64)
}

/// Prices every option for the months' usage and compares with the current plan.
/// Ties go to the current plan (no change for nothing), then to the simpler option (no pack).
pub fn advise(
    current: &Choice,
    options: &[Choice],
    common: &CommonRates,
    months: &[Usage],
) -> Advice {
    let none = Extra::default();
    let price = |o: &Choice| Priced {
        plan: o.plan.clone(),
        pack: o.pack.clone(),
        monthly_fen: average(o, &none, common, months),
    };
    let cur = price(current);
    let mut ranked: Vec<Priced> = options.iter().map(price).collect();
    ranked.sort_by_key(|p| {
        (
            p.monthly_fen,
            p.plan != cur.plan || p.pack.is_some(),
            p.pack.is_some(),
            p.plan.clone(),
        )
    });
    let best = ranked
        .first()
        .cloned()
        .filter(|b| b.monthly_fen < cur.monthly_fen)
        .unwrap_or_else(|| cur.clone());
    Advice {
        months: months.len(),
        saving_fen: cur.monthly_fen - best.monthly_fen,
        current: cur,
        best,
        ranked,
    }
}

/// The saving as money.
pub fn saving(a: &Advice) -> Fen {
    Fen(a.saving_fen.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(code: &str, fee: i64, minutes: i64, data_mb: i64) -> Choice {
        Choice {
            plan: code.into(),
            pack: None,
            rates: PlanRates {
                fee_fen: fee,
                minutes,
                data_mb,
                sms: 0,
                voice_fen_per_min: 19,
                sms_fen: 10,
                data_fen_per_mb: 3,
            },
            pack_extra: Extra::default(),
            pack_fen: 0,
        }
    }

    const COMMON: CommonRates = CommonRates {
        roaming_voice_fen_per_min: 99,
        mms_fen: 30,
    };

    #[test]
    fn recommends_a_cheaper_plan_with_the_saving() {
        let heavy = Usage {
            voice_out_minutes: 600,
            data_kb: 15 * 1024 * 1024,
            ..Usage::default()
        };
        let cur = plan("GT58", 5800, 200, 10240);
        let options = [
            cur.clone(),
            plan("GT88", 8800, 400, 20480),
            plan("GT128", 12800, 700, 40960),
        ];
        let a = advise(&cur, &options, &COMMON, &[heavy, heavy, heavy]);
        // GT58: 5800 + 400×19 + 5120×3 = 28760; GT88: 8800 + 200×19 = 12600; GT128: 12800.
        assert_eq!(a.current.monthly_fen, 28_760);
        assert_eq!(a.best.plan, "GT88");
        assert_eq!(a.saving_fen, 28_760 - 12_600);
        assert!(!a.current_is_best());
    }

    #[test]
    fn says_when_the_current_plan_is_already_best() {
        let light = Usage {
            voice_out_minutes: 50,
            data_kb: 1024,
            ..Usage::default()
        };
        let cur = plan("GT58", 5800, 200, 10240);
        let options = [cur.clone(), plan("GT88", 8800, 400, 20480)];
        let a = advise(&cur, &options, &COMMON, &[light]);
        assert!(a.current_is_best());
        assert_eq!(a.best.plan, "GT58");
        assert_eq!(saving(&a), Fen(0));
    }

    #[test]
    fn a_pack_can_be_the_cheapest_fit() {
        let data_heavy = Usage {
            data_kb: 14 * 1024 * 1024,
            ..Usage::default()
        };
        let cur = plan("GT58", 5800, 200, 10240);
        let mut with_pack = cur.clone();
        with_pack.pack = Some("PK_DATA5G".into());
        with_pack.pack_extra = Extra {
            data_mb: 5120,
            ..Extra::default()
        };
        with_pack.pack_fen = 2000;
        let options = [cur.clone(), with_pack, plan("GT88", 8800, 400, 20480)];
        let a = advise(&cur, &options, &COMMON, &[data_heavy]);
        assert_eq!(a.best.pack.as_deref(), Some("PK_DATA5G"));
        assert_eq!(a.best.monthly_fen, 7800);
    }
}
