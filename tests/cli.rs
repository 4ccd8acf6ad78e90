//! The command line as scripts use it: names, flags, JSON fields and exit codes (SPEC §3).

mod common;

use assert_cmd::Command;
use common::demo_db;
use predicates::prelude::*;
use std::path::Path;

fn tp(db: &Path) -> Command {
    let mut c = Command::cargo_bin("touchpoint").unwrap();
    c.arg("--db").arg(db).arg("--lang").arg("en");
    c.env_remove("TOUCHPOINT_PASSWORD")
        .env_remove("TOUCHPOINT_DB")
        .env_remove("TOUCHPOINT_STAFF");
    c.env("TOUCHPOINT_NOW", "2026-12-04T10:00:00+08:00");
    c
}

fn as_clerk(db: &Path) -> Command {
    let mut c = tp(db);
    c.env("TOUCHPOINT_PASSWORD", "demo");
    c
}

fn audit_count(db: &Path, action: &str, outcome: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT count(*) FROM audit_log WHERE action = ?1 AND outcome = ?2",
        [action, outcome],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn demo_then_customer_show_prints_the_seed_trial_customer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.sqlite");
    tp(&db).args(["demo", "--no-tui"]).assert().success();
    let out = as_clerk(&db)
        .args([
            "customer",
            "show",
            "13800138000",
            "--staff",
            "clerk",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["points"], 2537);
    assert_eq!(v["phone"], "13800138000");
    assert_eq!(v["brand"], "gotone");
    assert_eq!(v["plan"], "GT88");
    assert_eq!(v["pending_plan"], serde_json::Value::Null);
    assert_eq!(v["status"], "active");
    assert!(v["balance_fen"].is_i64());
    assert_eq!(v["verified_real_name"], true);
    assert!(v["name"].is_string());
}

#[test]
fn verify_unmasks_personal_data() {
    let db = demo_db();
    let out = as_clerk(&db.path)
        .args([
            "customer",
            "show",
            "138 0013 8000",
            "--staff",
            "clerk",
            "--json",
            "--verify",
            "pw:123456",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["name"], "张明华");
    assert_eq!(v["verified"], true);
    as_clerk(&db.path)
        .args([
            "customer",
            "show",
            "13800138000",
            "--staff",
            "clerk",
            "--verify",
            "pw:000000",
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("wrong service password"));
}

#[test]
fn a_wrong_staff_password_exits_4_and_is_audited() {
    let db = demo_db();
    tp(&db.path)
        .env("TOUCHPOINT_PASSWORD", "nope")
        .args(["customer", "show", "13800138000", "--staff", "clerk"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("wrong staff id or password"));
    assert_eq!(audit_count(&db.path, "login.failed", "failed"), 1);
}

#[test]
fn a_missing_password_or_staff_is_bad_input() {
    let db = demo_db();
    tp(&db.path)
        .args(["customer", "show", "13800138000", "--staff", "clerk"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("TOUCHPOINT_PASSWORD"));
    as_clerk(&db.path)
        .args(["customer", "show", "13800138000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--staff"));
}

#[test]
fn malformed_phone_exits_2_and_unknown_exits_3() {
    let db = demo_db();
    as_clerk(&db.path)
        .args(["customer", "show", "1380013800", "--staff", "clerk"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has 10 digits"));
    as_clerk(&db.path)
        .args(["customer", "show", "1380013800x", "--staff", "clerk"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a digit"));
    as_clerk(&db.path)
        .args(["customer", "show", "13700000001", "--staff", "clerk"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no customer"));
}

#[test]
fn editing_without_verification_is_refused_and_audited() {
    let db = demo_db();
    as_clerk(&db.path)
        .args([
            "customer",
            "edit",
            "13800138000",
            "--notes",
            "hi",
            "--staff",
            "clerk",
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("needs a verified customer"));
    assert_eq!(audit_count(&db.path, "customer.edit", "refused"), 1);
    // A clerk cannot override; a supervisor can, with the reason audited.
    as_clerk(&db.path)
        .args([
            "customer",
            "edit",
            "13800138000",
            "--notes",
            "hi",
            "--staff",
            "clerk",
            "--override",
            "known",
        ])
        .assert()
        .code(4);
    as_clerk(&db.path)
        .args([
            "customer",
            "edit",
            "13800138000",
            "--notes",
            "hi",
            "--staff",
            "super",
            "--override",
            "customer lost ID card",
            "--json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"notes\": \"hi\""));
    let c = rusqlite::Connection::open(&db.path).unwrap();
    let reason: String = c
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'verify.override' AND outcome = 'ok'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "customer lost ID card");
}

#[test]
fn otp_flow_on_the_command_line() {
    let db = demo_db();
    as_clerk(&db.path)
        .args(["customer", "otp", "15800158000", "--staff", "clerk"])
        .assert()
        .success()
        .stdout(predicate::str::contains("158****8000"));
    let c = rusqlite::Connection::open(&db.path).unwrap();
    let params: String = c
        .query_row(
            "SELECT params FROM notices WHERE template = 'otp' ORDER BY id DESC",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let code = serde_json::from_str::<serde_json::Value>(&params).unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    as_clerk(&db.path)
        .args([
            "customer",
            "show",
            "15800158000",
            "--staff",
            "clerk",
            "--json",
            "--verify",
            &format!("otp:{code}"),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"name\": \"赵磊\""));
}

#[test]
fn customer_add_and_list() {
    let db = demo_db();
    as_clerk(&db.path)
        .args([
            "customer",
            "add",
            "--phone",
            "13912345678",
            "--name",
            "周杰",
            "--id-number",
            "11010519491231002X",
            "--brand",
            "easyown",
            "--plan",
            "EO18",
            "--staff",
            "clerk",
            "--json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"phone\": \"13912345678\""));
    as_clerk(&db.path)
        .args([
            "customer",
            "add",
            "--phone",
            "13912345679",
            "--name",
            "周杰",
            "--id-number",
            "110105194912310021",
            "--brand",
            "easyown",
            "--plan",
            "EO18",
            "--staff",
            "clerk",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("check character"));
    let out = as_clerk(&db.path)
        .args([
            "customer", "list", "--brand", "easyown", "--status", "active", "--staff", "clerk",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert!(list.len() > 100);
    assert!(
        list.iter()
            .all(|c| c["brand"] == "easyown" && c["status"] == "active")
    );
    as_clerk(&db.path)
        .args(["customer", "list", "--brand", "unicom", "--staff", "clerk"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown brand"));
}

#[test]
fn check_passes_then_names_an_edited_audit_row() {
    let db = demo_db();
    tp(&db.path)
        .arg("check")
        .assert()
        .success()
        .stdout(predicate::str::contains("ok"));
    let c = rusqlite::Connection::open(&db.path).unwrap();
    c.execute(
        "UPDATE audit_log SET staff_id = 'mallory' WHERE id = 42",
        [],
    )
    .unwrap();
    drop(c);
    tp(&db.path)
        .arg("check")
        .assert()
        .failure()
        .stdout(predicate::str::contains("audit chain broken at row 42"));
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn foreign_and_random_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("other.sqlite");
    {
        let c = rusqlite::Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE notes(x TEXT); INSERT INTO notes VALUES ('mine');")
            .unwrap();
    }
    let random = dir.path().join("random.bin");
    std::fs::write(
        &random,
        (0..4096u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    for path in [&foreign, &random] {
        let before = bytes(path);
        as_clerk(path)
            .args(["customer", "show", "13800138000", "--staff", "clerk"])
            .assert()
            .failure()
            .stderr(predicate::str::contains("not a touchpoint database"));
        tp(path).arg("check").assert().failure();
        tp(path)
            .args(["demo", "--no-tui"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains("--force"));
        tp(path)
            .arg("init")
            .env("TOUCHPOINT_PASSWORD", "secret")
            .assert()
            .failure();
        assert_eq!(
            bytes(path),
            before,
            "{} must stay byte-identical",
            path.display()
        );
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        assert!(!Path::new(&wal).exists());
    }
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let db = demo_db();
    {
        let c = rusqlite::Connection::open(&db.path).unwrap();
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE; PRAGMA user_version = 99;").unwrap();
    }
    let before = bytes(&db.path);
    as_clerk(&db.path)
        .args(["customer", "show", "13800138000", "--staff", "clerk"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("newer touchpoint"));
    assert_eq!(bytes(&db.path), before);
}

#[test]
fn demo_replaces_a_demo_but_not_a_real_database_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.sqlite");
    tp(&db)
        .arg("init")
        .env("TOUCHPOINT_PASSWORD", "s3cret")
        .assert()
        .success();
    tp(&db)
        .arg("init")
        .env("TOUCHPOINT_PASSWORD", "s3cret")
        .assert()
        .code(4);
    tp(&db).args(["demo", "--no-tui"]).assert().code(4);
    tp(&db)
        .env("TOUCHPOINT_PASSWORD", "s3cret")
        .args(["staff", "list", "--staff", "admin", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"admin\""));
    tp(&db)
        .args(["demo", "--no-tui", "--force"])
        .assert()
        .success();
    tp(&db).args(["demo", "--no-tui"]).assert().success();
    tp(&db).arg("check").assert().success();
}

#[test]
fn staff_accounts_are_admin_only() {
    let db = demo_db();
    as_clerk(&db.path)
        .env("TOUCHPOINT_NEW_PASSWORD", "pass1234")
        .args([
            "staff", "add", "wang", "--name", "王五", "--role", "clerk", "--staff", "super",
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("admin"));
    as_clerk(&db.path)
        .env("TOUCHPOINT_NEW_PASSWORD", "pass1234")
        .args([
            "staff", "add", "wang", "--name", "王五", "--role", "clerk", "--staff", "admin",
        ])
        .assert()
        .success();
    tp(&db.path)
        .env("TOUCHPOINT_PASSWORD", "pass1234")
        .args(["customer", "show", "13800138000", "--staff", "wang"])
        .assert()
        .success();
}

#[test]
fn no_database_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    as_clerk(&dir.path().join("none.sqlite"))
        .args(["customer", "show", "13800138000", "--staff", "clerk"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("touchpoint init"));
    assert!(!dir.path().join("none.sqlite").exists());
}

#[test]
fn the_seed_trial_redemption_on_the_command_line() {
    let db = demo_db();
    as_clerk(&db.path)
        .args([
            "points",
            "redeem",
            "13800138000",
            "CREDIT30",
            "--staff",
            "clerk",
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("needs a verified customer"));
    assert_eq!(audit_count(&db.path, "points.redeem", "refused"), 1);
    let out = as_clerk(&db.path)
        .args([
            "points",
            "redeem",
            "13800138000",
            "CREDIT30",
            "--staff",
            "clerk",
            "--verify",
            "pw:123456",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(r["id"].is_i64());
    assert_eq!(
        (r["points_before"].as_i64(), r["points_after"].as_i64()),
        (Some(2537), Some(37))
    );
    assert_eq!(
        r["balance_after_fen"].as_i64().unwrap() - r["balance_before_fen"].as_i64().unwrap(),
        3000
    );
    assert_eq!(r["notices"], serde_json::json!(["redemption", "credit"]));
    as_clerk(&db.path)
        .args([
            "points",
            "redeem",
            "13800138000",
            "CREDIT30",
            "--staff",
            "clerk",
            "--verify",
            "pw:123456",
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("insufficient points"));
    let out = as_clerk(&db.path)
        .args([
            "points",
            "balance",
            "13800138000",
            "--staff",
            "clerk",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let b: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(b["points"], 37);
    assert!(b["lots"][0]["expires_on"].is_string());
    tp(&db.path).arg("check").assert().success();
}

#[test]
fn points_catalog_reverse_and_expire_commands() {
    let db = demo_db();
    let out = tp(&db.path)
        .args(["points", "catalog", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    let c30 = items.iter().find(|i| i["code"] == "CREDIT30").unwrap();
    assert_eq!(
        (c30["name"].as_str(), c30["cost_points"].as_i64()),
        (Some("¥30 phone credit"), Some(2500))
    );
    assert!(
        items
            .iter()
            .all(|i| i["category"].is_string() && i["name_zh"].is_string())
    );
    let out = as_clerk(&db.path)
        .args([
            "points",
            "redeem",
            "18800188000",
            "DATA1G",
            "--staff",
            "clerk",
            "--verify",
            "pw:888888",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let id = serde_json::from_slice::<serde_json::Value>(&out).unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    as_clerk(&db.path)
        .args([
            "points", "reverse", &id, "--reason", "mistake", "--staff", "clerk",
        ])
        .assert()
        .code(4);
    as_clerk(&db.path)
        .args([
            "points", "reverse", &id, "--reason", "mistake", "--staff", "super", "--json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"points_returned\": 600"));
    as_clerk(&db.path)
        .args([
            "points",
            "expire",
            "--as-of",
            "2027-01-01",
            "--staff",
            "super",
            "--json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"as_of\": \"2027-01-01\""));
    as_clerk(&db.path)
        .args([
            "points",
            "expire",
            "--as-of",
            "1st of May",
            "--staff",
            "super",
        ])
        .assert()
        .code(2);
    tp(&db.path).arg("check").assert().success();
}
