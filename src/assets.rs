//! The catalogues, templates, keymap and locales shipped inside the binary.

use crate::domain::brand::Brand;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `assets/brands.toml`.
pub const BRANDS: &str = include_str!("../assets/brands.toml");
/// `assets/plans.toml`.
pub const PLANS: &str = include_str!("../assets/plans.toml");
/// `assets/notices.toml`.
pub const NOTICES: &str = include_str!("../assets/notices.toml");
/// `assets/keymap.toml`.
pub const KEYMAP: &str = include_str!("../assets/keymap.toml");
/// `assets/locales/zh.toml`.
pub const LOCALE_ZH: &str = include_str!("../assets/locales/zh.toml");
/// `assets/locales/en.toml`.
pub const LOCALE_EN: &str = include_str!("../assets/locales/en.toml");
/// `assets/points.toml`: the points-mall catalogue and lot lifetime.
pub const POINTS: &str = include_str!("../assets/points.toml");
/// `assets/rates.toml`: roaming, MMS, discounts and reminder defaults.
pub const RATES: &str = include_str!("../assets/rates.toml");
/// `assets/topup.toml`: top-up presets, limits and promotions.
pub const TOPUP: &str = include_str!("../assets/topup.toml");
/// `assets/names.toml`: surnames and given-name characters for demo customers.
pub const NAMES: &str = include_str!("../assets/names.toml");
/// `assets/complaints.toml`: SLA targets and complaint rules.
pub const COMPLAINTS: &str = include_str!("../assets/complaints.toml");

#[derive(Deserialize)]
struct BrandFile {
    brand: Vec<Brand>,
}

/// A plan, pack or value-added service as written in `assets/plans.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, serde::Serialize)]
pub struct PlanAsset {
    /// Unique code, e.g. `GT88`.
    pub code: String,
    /// `plan`, `pack` or `vas`.
    pub kind: String,
    /// Brand code; absent when any brand may take it.
    pub brand: Option<String>,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Monthly fee (plan, vas) or price (pack), in fen.
    pub fee_fen: i64,
    /// Included minutes.
    #[serde(default)]
    pub minutes: i64,
    /// Included data in MB.
    #[serde(default)]
    pub data_mb: i64,
    /// Included SMS.
    #[serde(default)]
    pub sms: i64,
    /// Voice overage per started minute, fen.
    #[serde(default)]
    pub overage_voice_fen: i64,
    /// SMS overage each, fen.
    #[serde(default)]
    pub overage_sms_fen: i64,
    /// Data overage per MB, fen.
    #[serde(default)]
    pub overage_data_fen_per_mb: i64,
    /// What it is, in Chinese.
    pub description_zh: String,
    /// What it is, in English.
    pub description_en: String,
}

#[derive(Deserialize)]
struct PlanFile {
    plan: Vec<PlanAsset>,
    #[serde(default)]
    recommendation: Vec<Recommendation>,
}

/// A lifestyle or entertainment recommendation (生活娱乐推荐) from `assets/plans.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, serde::Serialize)]
pub struct Recommendation {
    /// The pack or VAS recommended.
    pub code: String,
    /// Who sees it: `all`, `data`, `voice`, `music` or `video`.
    #[serde(rename = "for")]
    pub audience: String,
    /// Headline in Chinese.
    pub title_zh: String,
    /// Headline in English.
    pub title_en: String,
    /// Why, in Chinese.
    pub why_zh: String,
    /// Why, in English.
    pub why_en: String,
}

/// The recommendations, in file order.
pub fn recommendations() -> Vec<Recommendation> {
    toml::from_str::<PlanFile>(PLANS)
        .expect("assets/plans.toml is valid (tested)")
        .recommendation
}

/// A notice template.
#[derive(Debug, Clone, Deserialize)]
pub struct NoticeTemplate {
    /// Short title in Chinese (兑换业务提醒 …).
    pub title_zh: String,
    /// Short title in English.
    pub title_en: String,
    /// Text sent to the customer.
    pub zh: String,
    /// The same in English, for staff.
    pub en: String,
}

/// Demo name material.
#[derive(Debug, Clone, Deserialize)]
pub struct Names {
    /// Common surnames, most common first.
    pub surnames: Vec<String>,
    /// Characters used in given names.
    pub given: Vec<String>,
}

/// The brands catalogue.
pub fn brands() -> Vec<Brand> {
    toml::from_str::<BrandFile>(BRANDS)
        .expect("assets/brands.toml is valid (tested)")
        .brand
}

/// The plans catalogue.
pub fn plans() -> Vec<PlanAsset> {
    toml::from_str::<PlanFile>(PLANS)
        .expect("assets/plans.toml is valid (tested)")
        .plan
}

/// Notice templates by name.
pub fn notice_templates() -> &'static BTreeMap<String, NoticeTemplate> {
    static T: std::sync::OnceLock<BTreeMap<String, NoticeTemplate>> = std::sync::OnceLock::new();
    T.get_or_init(|| toml::from_str(NOTICES).expect("assets/notices.toml is valid (tested)"))
}

#[derive(Deserialize)]
struct PointsFile {
    expiry_months: u32,
    item: Vec<crate::domain::points::catalog::CatalogItem>,
}

fn points_file() -> &'static PointsFile {
    static P: std::sync::OnceLock<PointsFile> = std::sync::OnceLock::new();
    P.get_or_init(|| toml::from_str(POINTS).expect("assets/points.toml is valid (tested)"))
}

/// The points-mall catalogue.
pub fn points_catalog() -> Vec<crate::domain::points::catalog::CatalogItem> {
    points_file().item.clone()
}

/// How many months an earning lot lives after the month earned.
pub fn points_expiry_months() -> u32 {
    points_file().expiry_months
}

/// The top-up rules (parsed once).
pub fn topup_rules() -> &'static crate::domain::topup::TopUpRules {
    static RULES: std::sync::OnceLock<crate::domain::topup::TopUpRules> =
        std::sync::OnceLock::new();
    RULES.get_or_init(|| toml::from_str(TOPUP).expect("assets/topup.toml is valid (tested)"))
}

/// Demo name material.
pub fn names() -> Names {
    toml::from_str(NAMES).expect("assets/names.toml is valid (tested)")
}

#[derive(Deserialize)]
struct ComplaintsFile {
    first_response_hours: crate::domain::ticket::FirstResponseHours,
    rules: ComplaintRules,
}

#[derive(Deserialize)]
struct ComplaintRules {
    resolution_days: i64,
    near_due_percent: i64,
    stale_dispute_months: i64,
    max_compensation_fen: i64,
}

/// The SLA targets and complaint rules.
pub fn sla_policy() -> crate::domain::ticket::SlaPolicy {
    static P: std::sync::OnceLock<crate::domain::ticket::SlaPolicy> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        let f: ComplaintsFile =
            toml::from_str(COMPLAINTS).expect("assets/complaints.toml is valid (tested)");
        crate::domain::ticket::SlaPolicy {
            first_response_hours: f.first_response_hours,
            resolution_days: f.rules.resolution_days,
            near_due_percent: f.rules.near_due_percent,
            stale_dispute_months: f.rules.stale_dispute_months,
            max_compensation_fen: f.rules.max_compensation_fen,
        }
    })
    .clone()
}

/// Fills `{key}` placeholders from the parameters; unknown placeholders stay as written.
pub fn render(template: &str, params: &BTreeMap<String, String>) -> String {
    let mut out = template.to_string();
    for (k, v) in params {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_parses_and_is_consistent() {
        let brands = brands();
        assert_eq!(brands.len(), 3);
        let plans = plans();
        for r in recommendations() {
            assert!(
                plans.iter().any(|p| p.code == r.code && p.kind != "plan"),
                "recommendation {} names a pack or VAS",
                r.code
            );
            assert!(["all", "data", "voice", "music", "video"].contains(&r.audience.as_str()));
        }
        for p in &plans {
            assert!(
                ["plan", "pack", "vas"].contains(&p.kind.as_str()),
                "{}",
                p.code
            );
            if let Some(b) = &p.brand {
                assert!(
                    brands.iter().any(|x| &x.code == b),
                    "{} names brand {b}",
                    p.code
                );
            }
            if p.kind == "plan" {
                assert!(p.brand.is_some(), "base plan {} needs a brand", p.code);
            }
        }
        for b in &brands {
            assert!(
                plans
                    .iter()
                    .any(|p| p.brand.as_deref() == Some(b.code.as_str()))
            );
        }
        let mut codes: Vec<_> = plans.iter().map(|p| &p.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), plans.len(), "plan codes are unique");
        assert!(notice_templates().contains_key("otp"));
        for t in ["topup", "reactivated", "topup_refund"] {
            assert!(notice_templates().contains_key(t), "{t}");
        }
        topup_rules().validate().unwrap();
        for t in [
            "complaint_received",
            "complaint_reply",
            "complaint_resolved",
            "complaint_compensated",
        ] {
            assert!(notice_templates().contains_key(t), "{t}");
        }
        let sla = sla_policy();
        assert_eq!(
            (
                sla.first_response_hours.urgent,
                sla.first_response_hours.high,
                sla.first_response_hours.normal,
                sla.first_response_hours.low,
                sla.resolution_days,
                sla.stale_dispute_months
            ),
            (4, 24, 48, 72, 15, 5)
        );
        let names = names();
        assert!(names.surnames.len() >= 50 && names.given.len() >= 50);
    }

    #[test]
    fn render_fills_placeholders() {
        let mut p = BTreeMap::new();
        p.insert("code".to_string(), "123456".to_string());
        assert_eq!(render("code {code} {other}", &p), "code 123456 {other}");
    }
}
