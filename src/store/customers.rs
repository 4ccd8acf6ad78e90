//! Customers.

use crate::domain::customer::{CustomerStatus, CustomerType};
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A customer row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    /// Row id.
    pub id: i64,
    /// 11 digits.
    pub phone: String,
    /// Full name.
    pub name: String,
    /// Full resident ID number.
    pub id_number: String,
    /// Brand code.
    pub brand: String,
    /// Current plan code.
    pub plan: String,
    /// Plan taking effect on the 1st of next month.
    pub pending_plan: Option<String>,
    /// Consumer / corporate / public-interest.
    pub customer_type: CustomerType,
    /// 实名认证.
    pub real_name_verified: bool,
    /// Argon2id hash of the six-digit service password, if one is set.
    pub service_password_hash: Option<String>,
    /// Line status.
    pub status: CustomerStatus,
    /// Local date joined.
    pub joined_on: String,
    /// One to five.
    pub star_level: u8,
    /// Comma-separated tags.
    pub tags: String,
    /// Free notes.
    pub notes: String,
    /// Cached balance (equals the ledger's sum; `check` verifies).
    pub balance_fen: i64,
    /// Cached points (equals the points ledger's sum; `check` verifies).
    pub points: i64,
    /// Wrong service passwords in a row.
    pub pw_failures: i64,
    /// Stored instant until which password verification is locked.
    pub pw_locked_until: Option<String>,
}

/// A new customer to insert.
#[derive(Debug, Clone)]
pub struct NewCustomerRow<'a> {
    /// 11 digits.
    pub phone: &'a str,
    /// Full name.
    pub name: &'a str,
    /// Full ID number.
    pub id_number: &'a str,
    /// Brand code.
    pub brand: &'a str,
    /// Plan code.
    pub plan: &'a str,
    /// Type.
    pub customer_type: CustomerType,
    /// 实名认证.
    pub real_name_verified: bool,
    /// Service password hash.
    pub service_password_hash: Option<&'a str>,
    /// Initial status.
    pub status: CustomerStatus,
    /// Local date joined.
    pub joined_on: &'a str,
    /// Star level.
    pub star_level: u8,
    /// Tags.
    pub tags: &'a str,
    /// Notes.
    pub notes: &'a str,
}

const COLS: &str = "id, phone, name, id_number, brand, plan, pending_plan, customer_type, real_name_verified, \
    service_password_hash, status, joined_on, star_level, tags, notes, balance_fen, points, pw_failures, pw_locked_until";

fn from_row(r: &Row<'_>) -> rusqlite::Result<CustomerRow> {
    let ctype: String = r.get(7)?;
    let status: String = r.get(10)?;
    Ok(CustomerRow {
        id: r.get(0)?,
        phone: r.get(1)?,
        name: r.get(2)?,
        id_number: r.get(3)?,
        brand: r.get(4)?,
        plan: r.get(5)?,
        pending_plan: r.get(6)?,
        customer_type: CustomerType::parse(&ctype).unwrap_or(CustomerType::Consumer),
        real_name_verified: r.get(8)?,
        service_password_hash: r.get(9)?,
        status: CustomerStatus::parse(&status).unwrap_or(CustomerStatus::Active),
        joined_on: r.get(11)?,
        star_level: r.get(12)?,
        tags: r.get(13)?,
        notes: r.get(14)?,
        balance_fen: r.get(15)?,
        points: r.get(16)?,
        pw_failures: r.get(17)?,
        pw_locked_until: r.get(18)?,
    })
}

/// Inserts a customer and returns its id.
pub fn insert(conn: &Connection, c: &NewCustomerRow<'_>, now: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO customers(phone, name, id_number, brand, plan, customer_type, real_name_verified,
            service_password_hash, status, joined_on, star_level, tags, notes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
    )?
    .execute(params![
        c.phone,
        c.name,
        c.id_number,
        c.brand,
        c.plan,
        c.customer_type.code(),
        c.real_name_verified,
        c.service_password_hash,
        c.status.code(),
        c.joined_on,
        c.star_level,
        c.tags,
        c.notes,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// One customer by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<CustomerRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLS} FROM customers WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// One customer by id, or the not-found problem every operation reports (exit 3).
pub fn require(conn: &Connection, id: i64) -> Result<CustomerRow> {
    get(conn, id)?
        .ok_or_else(|| crate::domain::Problem::not_found("没有该客户", "no such customer").into())
}

/// One customer by phone.
pub fn by_phone(conn: &Connection, phone: &str) -> Result<Option<CustomerRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLS} FROM customers WHERE phone = ?1"))?
        .query_row([phone], from_row)
        .optional()?)
}

/// Customers matching as-you-type input: a phone prefix (or any run of digits in the phone),
/// a name fragment, or the tail of the ID number. Exact and prefix matches come first.
pub fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<CustomerRow>> {
    let q = query.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let like_escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    let contains = format!("%{like_escaped}%");
    let prefix = format!("{like_escaped}%");
    let tail = format!("%{}", like_escaped.to_ascii_uppercase());
    let digits = q
        .chars()
        .all(|c| c.is_ascii_digit() || c == 'x' || c == 'X');
    let sql = format!(
        "SELECT {COLS} FROM customers
         WHERE phone LIKE ?1 ESCAPE '\\' OR name LIKE ?2 ESCAPE '\\' OR (?4 AND length(?5) >= 4 AND id_number LIKE ?3 ESCAPE '\\')
         ORDER BY (phone = ?5) DESC, (phone LIKE ?6 ESCAPE '\\') DESC, (name = ?5) DESC, (name LIKE ?6 ESCAPE '\\') DESC, phone
         LIMIT ?7"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(
        params![
            if digits {
                contains.clone()
            } else {
                String::from("\u{0}")
            },
            contains,
            tail,
            digits,
            q,
            prefix,
            limit as i64
        ],
        from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Filter for [`list`].
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this brand.
    pub brand: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// At most this many rows.
    pub limit: Option<usize>,
}

/// Customers by phone, filtered.
pub fn list(conn: &Connection, f: &ListFilter) -> Result<Vec<CustomerRow>> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM customers
         WHERE (?1 IS NULL OR brand = ?1) AND (?2 IS NULL OR status = ?2)
         ORDER BY phone LIMIT ?3"
    ))?;
    let limit = f.limit.map(|l| l as i64).unwrap_or(-1);
    let rows = st.query_map(params![f.brand, f.status, limit], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Profile fields a clerk may edit.
#[derive(Debug, Clone, Default)]
pub struct ProfileEdit {
    /// New name.
    pub name: Option<String>,
    /// New ID number.
    pub id_number: Option<String>,
    /// New type.
    pub customer_type: Option<CustomerType>,
    /// New real-name flag.
    pub real_name_verified: Option<bool>,
    /// New tags.
    pub tags: Option<String>,
    /// New notes.
    pub notes: Option<String>,
}

/// Applies a profile edit.
pub fn update_profile(conn: &Connection, id: i64, e: &ProfileEdit, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE customers SET name = coalesce(?2, name), id_number = coalesce(?3, id_number),
            customer_type = coalesce(?4, customer_type), real_name_verified = coalesce(?5, real_name_verified),
            tags = coalesce(?6, tags), notes = coalesce(?7, notes), updated_at = ?8
         WHERE id = ?1",
        params![
            id,
            e.name,
            e.id_number,
            e.customer_type.map(|t| t.code()),
            e.real_name_verified,
            e.tags,
            e.notes,
            now
        ],
    )?;
    Ok(())
}

/// Changes the status.
pub fn set_status(conn: &Connection, id: i64, status: CustomerStatus, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE customers SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, status.code(), now],
    )?;
    Ok(())
}

/// Records the service-password failure count and lock.
pub fn set_pw_state(
    conn: &Connection,
    id: i64,
    failures: i64,
    locked_until: Option<&str>,
) -> Result<()> {
    conn.execute(
        "UPDATE customers SET pw_failures = ?2, pw_locked_until = ?3 WHERE id = ?1",
        params![id, failures, locked_until],
    )?;
    Ok(())
}

/// Number of customers.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?)
}

/// Every customer's phone number, in id order.
pub fn phones_by_id(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare("SELECT phone FROM customers ORDER BY id")?;
    let rows = st.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What an import needs to know of a stored customer, by phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    /// Row id.
    pub id: i64,
    /// Brand code.
    pub brand: String,
    /// Plan code.
    pub plan: String,
    /// Status code.
    pub status: String,
}

/// Every stored customer by phone (one scan, so an import of a million rows asks nothing per row).
pub fn existing_by_phone(conn: &Connection) -> Result<std::collections::HashMap<String, Existing>> {
    let mut st = conn.prepare("SELECT phone, id, brand, plan, status FROM customers")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Existing {
                id: r.get(1)?,
                brand: r.get(2)?,
                plan: r.get(3)?,
                status: r.get(4)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every customer's id by phone, the phone as a number (a usage import resolves a million rows
/// with it, hashing no strings).
pub fn ids_by_phone_number(conn: &Connection) -> Result<rustc_hash::FxHashMap<u64, i64>> {
    let mut st = conn.prepare("SELECT phone, id FROM customers")?;
    let mut rows = st.query([])?;
    let mut out = rustc_hash::FxHashMap::default();
    while let Some(r) = rows.next()? {
        let phone: String = r.get(0)?;
        if let Ok(key) = phone.parse::<u64>() {
            out.insert(key, r.get(1)?);
        }
    }
    Ok(out)
}

/// Calls `f` with every customer in phone order (streamed, for exports).
pub fn for_each(conn: &Connection, mut f: impl FnMut(&CustomerRow) -> Result<()>) -> Result<()> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM customers ORDER BY phone"))?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        f(&from_row(r)?)?;
    }
    Ok(())
}

/// Overwrites the profile fields an import may change (brand, plan, status and the ledgers stay).
pub fn update_imported(
    conn: &Connection,
    id: i64,
    c: &NewCustomerRow<'_>,
    now: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE customers SET name = ?2, id_number = ?3, customer_type = ?4, real_name_verified = ?5,
            joined_on = ?6, star_level = ?7, tags = ?8, notes = ?9, updated_at = ?10
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        c.name,
        c.id_number,
        c.customer_type.code(),
        c.real_name_verified,
        c.joined_on,
        c.star_level,
        c.tags,
        c.notes,
        now
    ])?;
    Ok(())
}

/// Rows per multi-row INSERT in [`insert_many`].
const ROWS_PER_INSERT: usize = 32;

/// Inserts many new customers (a bulk import); call inside the import's transaction. Faster
/// than [`insert`] row by row: 32 rows per statement, bound in place, `now` bound once.
pub fn insert_many(conn: &Connection, rows: &[NewCustomerRow<'_>], now: &str) -> Result<()> {
    super::insert_batched(
        conn,
        "INSERT INTO customers(phone, name, id_number, brand, plan, customer_type,
            real_name_verified, service_password_hash, status, joined_on, star_level, tags, notes,
            created_at, updated_at) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?1, ?1)",
        &[now],
        ROWS_PER_INSERT,
        rows,
        |st, i, c| {
            st.raw_bind_parameter(i, c.phone)?;
            st.raw_bind_parameter(i + 1, c.name)?;
            st.raw_bind_parameter(i + 2, c.id_number)?;
            st.raw_bind_parameter(i + 3, c.brand)?;
            st.raw_bind_parameter(i + 4, c.plan)?;
            st.raw_bind_parameter(i + 5, c.customer_type.code())?;
            st.raw_bind_parameter(i + 6, c.real_name_verified)?;
            st.raw_bind_parameter(i + 7, c.service_password_hash)?;
            st.raw_bind_parameter(i + 8, c.status.code())?;
            st.raw_bind_parameter(i + 9, c.joined_on)?;
            st.raw_bind_parameter(i + 10, c.star_level)?;
            st.raw_bind_parameter(i + 11, c.tags)?;
            st.raw_bind_parameter(i + 12, c.notes)
        },
    )
}

/// Before a bulk load: drop the phone index (rebuilt by [`bulk_load_end`] with one sort, far
/// faster than a million index inserts). Phones stay unique: the importer refuses
/// duplicates, and rebuilding `customers_phone` would fail on one.
pub fn bulk_load_begin(conn: &Connection) -> Result<()> {
    conn.execute_batch("DROP INDEX IF EXISTS customers_phone")?;
    Ok(())
}

/// After a bulk load: the phone index again.
pub fn bulk_load_end(conn: &Connection) -> Result<()> {
    conn.execute_batch("CREATE UNIQUE INDEX IF NOT EXISTS customers_phone ON customers(phone)")?;
    Ok(())
}
