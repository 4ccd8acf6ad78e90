//! The notice outbox (simulated SMS).

use crate::assets;
use crate::domain::Lang;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::BTreeMap;

/// A queued notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Template name.
    pub template: String,
    /// Parameters the text was rendered from.
    pub params: BTreeMap<String, String>,
    /// The text sent (Chinese).
    pub text: String,
    /// Stored instant.
    pub created_at: String,
}

impl Notice {
    /// The template's title in a language (充值提醒 / Top-up).
    pub fn title(&self, lang: Lang) -> String {
        assets::notice_templates()
            .get(&self.template)
            .map(|t| lang.pick(&t.title_zh, &t.title_en).to_string())
            .unwrap_or_else(|| self.template.clone())
    }

    /// The text in a language: rendered from the template, or the stored text.
    pub fn text_in(&self, lang: Lang) -> String {
        match (lang, assets::notice_templates().get(&self.template)) {
            (Lang::En, Some(t)) => assets::render(&t.en, &self.params),
            _ => self.text.clone(),
        }
    }
}

/// Renders a template and queues it for the customer; returns its id.
pub fn queue(
    conn: &Connection,
    customer_id: i64,
    template: &str,
    params: &BTreeMap<String, String>,
    staff_id: Option<&str>,
    now: &str,
) -> Result<i64> {
    let text = assets::notice_templates()
        .get(template)
        .map(|t| assets::render(&t.zh, params))
        .unwrap_or_else(|| format!("{template}: {params:?}"));
    let params_json = serde_json::to_string(params).unwrap_or_else(|_| "{}".into());
    conn.prepare_cached(
        "INSERT INTO notices(customer_id, template, params, text, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![customer_id, template, params_json, text, staff_id, now])?;
    Ok(conn.last_insert_rowid())
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Notice> {
    let params: String = r.get(3)?;
    Ok(Notice {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        template: r.get(2)?,
        params: serde_json::from_str(&params).unwrap_or_default(),
        text: r.get(4)?,
        created_at: r.get(5)?,
    })
}

/// A customer's newest notices first.
pub fn recent(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<Notice>> {
    let mut st = conn.prepare_cached(
        "SELECT id, customer_id, template, params, text, created_at FROM notices
         WHERE customer_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
    )?;
    let rows = st.query_map(params![customer_id, limit as i64], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The newest notice of all, for the status line's toast.
pub fn latest(conn: &Connection) -> Result<Option<Notice>> {
    Ok(conn
        .query_row(
            "SELECT id, customer_id, template, params, text, created_at FROM notices ORDER BY id DESC LIMIT 1",
            [],
            from_row,
        )
        .optional()?)
}

/// The newest notice a staff member sent since an instant: the status line's toast shows only
/// what this counter just did, never another customer's messages.
pub fn latest_by(conn: &Connection, staff_id: &str, since: &str) -> Result<Option<Notice>> {
    Ok(conn
        .query_row(
            "SELECT id, customer_id, template, params, text, created_at FROM notices
             WHERE staff_id = ?1 AND created_at >= ?2 ORDER BY id DESC LIMIT 1",
            params![staff_id, since],
            from_row,
        )
        .optional()?)
}
