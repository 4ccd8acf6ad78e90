//! Brands and plans, loaded from `assets/` at init.

use crate::assets::{self, PlanAsset};
use crate::domain::brand::{Brand, PaymentKind};
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// Writes the shipped brands and plans, replacing rows of the same code.
pub fn load_assets(conn: &Connection) -> Result<()> {
    for b in assets::brands() {
        conn.execute(
            "INSERT INTO brands(code, name_zh, name_en, kind, currency_zh, currency_en, points_per_yuan,
                                earn_requires_real_name, credit_limit_fen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT(code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
                kind = excluded.kind, currency_zh = excluded.currency_zh, currency_en = excluded.currency_en,
                points_per_yuan = excluded.points_per_yuan,
                earn_requires_real_name = excluded.earn_requires_real_name,
                credit_limit_fen = excluded.credit_limit_fen",
            params![
                b.code,
                b.name_zh,
                b.name_en,
                b.kind.code(),
                b.currency_zh,
                b.currency_en,
                b.points_per_yuan,
                b.earn_requires_real_name,
                b.credit_limit_fen
            ],
        )?;
    }
    for p in assets::plans() {
        conn.execute(
            "INSERT INTO plans(code, kind, brand, name_zh, name_en, fee_fen, minutes, data_mb, sms,
                               overage_voice_fen, overage_sms_fen, overage_data_fen_per_mb,
                               description_zh, description_en)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT(code) DO UPDATE SET kind = excluded.kind, brand = excluded.brand,
                name_zh = excluded.name_zh, name_en = excluded.name_en, fee_fen = excluded.fee_fen,
                minutes = excluded.minutes, data_mb = excluded.data_mb, sms = excluded.sms,
                overage_voice_fen = excluded.overage_voice_fen, overage_sms_fen = excluded.overage_sms_fen,
                overage_data_fen_per_mb = excluded.overage_data_fen_per_mb,
                description_zh = excluded.description_zh, description_en = excluded.description_en",
            params![
                p.code,
                p.kind,
                p.brand,
                p.name_zh,
                p.name_en,
                p.fee_fen,
                p.minutes,
                p.data_mb,
                p.sms,
                p.overage_voice_fen,
                p.overage_sms_fen,
                p.overage_data_fen_per_mb,
                p.description_zh,
                p.description_en
            ],
        )?;
    }
    super::redemptions::load_catalog(conn, &assets::points_catalog())?;
    super::meta_set(
        conn,
        "points_expiry_months",
        &assets::points_expiry_months().to_string(),
    )?;
    Ok(())
}

fn brand_from_row(r: &Row<'_>) -> rusqlite::Result<Brand> {
    let kind: String = r.get(3)?;
    Ok(Brand {
        code: r.get(0)?,
        name_zh: r.get(1)?,
        name_en: r.get(2)?,
        kind: PaymentKind::parse(&kind).unwrap_or(PaymentKind::Prepaid),
        currency_zh: r.get(4)?,
        currency_en: r.get(5)?,
        points_per_yuan: r.get(6)?,
        earn_requires_real_name: r.get(7)?,
        credit_limit_fen: r.get(8)?,
    })
}

const BRAND_COLS: &str = "code, name_zh, name_en, kind, currency_zh, currency_en, points_per_yuan, earn_requires_real_name, credit_limit_fen";

/// One brand by code.
pub fn brand(conn: &Connection, code: &str) -> Result<Option<Brand>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {BRAND_COLS} FROM brands WHERE code = ?1"))?
        .query_row([code], brand_from_row)
        .optional()?)
}

/// All brands, in code order.
pub fn brands(conn: &Connection) -> Result<Vec<Brand>> {
    let mut st = conn.prepare(&format!("SELECT {BRAND_COLS} FROM brands ORDER BY rowid"))?;
    let rows = st.query_map([], brand_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const PLAN_COLS: &str = "code, kind, brand, name_zh, name_en, fee_fen, minutes, data_mb, sms, overage_voice_fen, overage_sms_fen, overage_data_fen_per_mb, description_zh, description_en";

fn plan_from_row(r: &Row<'_>) -> rusqlite::Result<PlanAsset> {
    Ok(PlanAsset {
        code: r.get(0)?,
        kind: r.get(1)?,
        brand: r.get(2)?,
        name_zh: r.get(3)?,
        name_en: r.get(4)?,
        fee_fen: r.get(5)?,
        minutes: r.get(6)?,
        data_mb: r.get(7)?,
        sms: r.get(8)?,
        overage_voice_fen: r.get(9)?,
        overage_sms_fen: r.get(10)?,
        overage_data_fen_per_mb: r.get(11)?,
        description_zh: r.get(12)?,
        description_en: r.get(13)?,
    })
}

/// One plan, pack or VAS by code.
pub fn plan(conn: &Connection, code: &str) -> Result<Option<PlanAsset>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {PLAN_COLS} FROM plans WHERE code = ?1"))?
        .query_row([code], plan_from_row)
        .optional()?)
}

/// Every plan, pack and VAS, in catalogue order.
pub fn plans(conn: &Connection) -> Result<Vec<PlanAsset>> {
    let mut st = conn.prepare(&format!("SELECT {PLAN_COLS} FROM plans ORDER BY rowid"))?;
    let rows = st.query_map([], plan_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
