//! `topup` and `payment` on the command line: exit codes, idempotency, refunds, and a crash test.

mod common;

use assert_cmd::Command;
use common::demo_db;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::time::{Duration, Instant};

fn tp(db: &Path) -> Command {
    let mut c = Command::cargo_bin("touchpoint").unwrap();
    c.arg("--db").arg(db).arg("--lang").arg("en");
    c.env_remove("TOUCHPOINT_DB")
        .env_remove("TOUCHPOINT_STAFF")
        .env_remove("TOUCHPOINT_GATEWAY");
    c.env("TOUCHPOINT_NOW", "2026-12-04T10:00:00+08:00");
    c.env("TOUCHPOINT_PASSWORD", "demo");
    c
}

fn query(db: &Path, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn balance(db: &Path, phone: &str) -> i64 {
    query(
        db,
        &format!("SELECT balance_fen FROM customers WHERE phone = '{phone}'"),
    )
}

const NON_LOGIN_AUDIT: &str = "SELECT count(*) FROM audit_log WHERE action != 'login'";

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap()
}

#[test]
fn topup_twice_with_one_request_id_credits_once_and_reports_the_first() {
    let db = demo_db();
    let before = balance(&db.path, "13800138000");
    let args = [
        "topup",
        "138 0013 8000",
        "50",
        "--channel",
        "cash",
        "--request-id",
        "counter1-0001",
        "--staff",
        "clerk",
        "--json",
    ];
    let first = json(
        &tp(&db.path)
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let second = json(
        &tp(&db.path)
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert!(first["id"].is_i64());
    assert_eq!(first["id"], second["id"]);
    assert_eq!(first["serial"], second["serial"]);
    assert_eq!(first["amount_fen"], 5000);
    assert_eq!(first["paid_fen"], 5000);
    assert_eq!(first["credited_fen"], 5000);
    assert_eq!(first["status"], "approved");
    assert_eq!(first["replayed"], false);
    assert_eq!(second["replayed"], true);
    assert_eq!(first["balance_after_fen"], before + 5000);
    assert_eq!(balance(&db.path, "13800138000"), before + 5000);
}

#[test]
fn bad_amounts_and_numbers_exit_2_or_3_and_change_nothing() {
    let db = demo_db();
    let before = balance(&db.path, "13800138000");
    let audit = query(&db.path, NON_LOGIN_AUDIT);
    let payments = query(&db.path, "SELECT count(*) FROM payments");
    for (amount, why) in [
        ("0", "too small"),
        ("-5", "sign"),
        ("5001", "too large"),
        ("50.555", "more than two decimals"),
        ("abc", "not an amount"),
    ] {
        tp(&db.path)
            .args([
                "topup",
                "13800138000",
                amount,
                "--channel",
                "cash",
                "--staff",
                "clerk",
            ])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(why));
    }
    for (phone, code, why) in [
        ("1380013800", 2, "has 10 digits"),
        ("138OO138000", 2, "not a digit"),
        ("13000130000", 2, "not a China Mobile number"),
        ("18900189000", 2, "not a China Mobile number"),
        ("13800000001", 3, "no customer"),
    ] {
        tp(&db.path)
            .args([
                "topup",
                phone,
                "50",
                "--channel",
                "cash",
                "--staff",
                "clerk",
            ])
            .assert()
            .code(code)
            .stderr(predicates::str::contains(why));
    }
    tp(&db.path)
        .args([
            "topup",
            "13800138000",
            "50",
            "--channel",
            "paypal",
            "--staff",
            "clerk",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown channel"));
    assert_eq!(balance(&db.path, "13800138000"), before);
    assert_eq!(query(&db.path, "SELECT count(*) FROM payments"), payments);
    // Only the logins were audited: nothing else was written.
    assert_eq!(query(&db.path, NON_LOGIN_AUDIT), audit);
}

#[test]
fn declined_and_pending_exit_4_and_pending_can_be_completed_or_voided() {
    let db = demo_db();
    let before = balance(&db.path, "13800138000");
    let out = tp(&db.path)
        .env("TOUCHPOINT_GATEWAY", "card=decline,wechat=timeout")
        .args([
            "topup",
            "13800138000",
            "50",
            "--channel",
            "card",
            "--staff",
            "clerk",
            "--json",
        ])
        .assert()
        .code(4)
        .stderr(predicates::str::contains("declined"))
        .get_output()
        .stdout
        .clone();
    assert_eq!(json(&out)["status"], "declined");
    let mut pending = Vec::new();
    for _ in 0..2 {
        let out = tp(&db.path)
            .env("TOUCHPOINT_GATEWAY", "card=decline,wechat=timeout")
            .args([
                "topup",
                "13800138000",
                "50",
                "--channel",
                "wechat",
                "--staff",
                "clerk",
                "--json",
            ])
            .assert()
            .code(4)
            .stderr(predicates::str::contains("pending"))
            .get_output()
            .stdout
            .clone();
        pending.push(json(&out)["id"].as_i64().unwrap().to_string());
    }
    assert_eq!(balance(&db.path, "13800138000"), before);
    let list = json(
        &tp(&db.path)
            .args([
                "payment", "list", "--status", "pending", "--staff", "clerk", "--json",
            ])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert!(list.as_array().unwrap().len() >= 2);
    tp(&db.path)
        .args([
            "payment",
            "complete",
            &pending[0],
            "--staff",
            "clerk",
            "--json",
        ])
        .assert()
        .success();
    tp(&db.path)
        .args(["payment", "complete", &pending[0], "--staff", "clerk"])
        .assert()
        .code(4);
    tp(&db.path)
        .args([
            "payment",
            "void",
            &pending[1],
            "--reason",
            "customer left",
            "--staff",
            "clerk",
        ])
        .assert()
        .success();
    // WeChat Pay ¥50 credits ¥50 for ¥49 paid; only the completed one counts.
    assert_eq!(balance(&db.path, "13800138000"), before + 5000);
    tp(&db.path).arg("check").assert().success();
}

#[test]
fn a_clerks_refund_is_refused_exit_4_and_audited_a_supervisors_is_done() {
    let db = demo_db();
    let out = json(
        &tp(&db.path)
            .args([
                "topup",
                "13800138000",
                "100",
                "--channel",
                "cash",
                "--staff",
                "clerk",
                "--json",
            ])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let serial = out["serial"].as_str().unwrap().to_string();
    tp(&db.path)
        .args([
            "payment", "refund", &serial, "--reason", "mistake", "--staff", "clerk",
        ])
        .assert()
        .code(4)
        .stderr(predicates::str::contains("supervisor"));
    assert_eq!(
        query(
            &db.path,
            "SELECT count(*) FROM audit_log WHERE action = 'topup.refund' AND outcome = 'refused' AND staff_id = 'clerk'"
        ),
        1
    );
    let r = json(
        &tp(&db.path)
            .args([
                "payment", "refund", &serial, "--amount", "20", "--reason", "mistake", "--staff",
                "super", "--json",
            ])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(r["amount_fen"], 2000);
    assert!(r["id"].is_i64());
    tp(&db.path)
        .args([
            "payment", "refund", &serial, "--reason", "again", "--staff", "super",
        ])
        .assert()
        .code(4)
        .stderr(predicates::str::contains("once"));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.txt");
    tp(&db.path)
        .args(["payment", "receipt", &serial, "--staff", "clerk", "--out"])
        .arg(&file)
        .assert()
        .success();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(&serial) && text.contains("138****8000") && text.contains("¥100.00"));
    tp(&db.path).arg("check").assert().success();
}

/// Kills a child topping up in a loop at random moments, several times; the file must pass
/// `check`, and every approved payment must have exactly one ledger entry.
#[test]
fn killing_a_topping_up_process_at_random_never_breaks_the_ledger() {
    let db = demo_db();
    let before = balance(&db.path, "13800138000");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
    let bin = assert_cmd::cargo::cargo_bin("touchpoint");
    let started = Instant::now();
    for round in 0..6 {
        let mut child = std::process::Command::new(&bin)
            .arg("--db")
            .arg(&db.path)
            .args([
                "topup",
                "13800138000",
                "10",
                "--channel",
                "cash",
                "--staff",
                "clerk",
            ])
            .args([
                "--request-id",
                &format!("crash{round}"),
                "--repeat",
                "100000",
            ])
            .env("TOUCHPOINT_PASSWORD", "demo")
            .env("TOUCHPOINT_NOW", "2026-12-04T10:00:00+08:00")
            .env_remove("TOUCHPOINT_GATEWAY")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(150..450)));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let approved = query(
        &db.path,
        "SELECT count(*) FROM payments WHERE request_id LIKE 'crash%' AND status = 'approved'",
    );
    assert!(
        approved > 0,
        "the children made some top-ups before being killed"
    );
    tp(&db.path).arg("check").assert().success();
    assert_eq!(
        query(
            &db.path,
            "SELECT count(*) FROM payments p WHERE p.status = 'approved' AND (SELECT count(*) FROM ledger l WHERE l.ref_type = 'topup' AND l.ref_id = CAST(p.id AS TEXT)) != 1"
        ),
        0
    );
    assert_eq!(
        query(
            &db.path,
            "SELECT count(*) FROM payments p WHERE p.status != 'approved' AND EXISTS (SELECT 1 FROM ledger l WHERE l.ref_type = 'topup' AND l.ref_id = CAST(p.id AS TEXT))"
        ),
        0
    );
    // The balance moved by exactly what the approved payments credited.
    assert_eq!(balance(&db.path, "13800138000"), before + approved * 1000);
    // A payment left pending by a kill is completed once by the clerk later.
    let pending = query(
        &db.path,
        "SELECT count(*) FROM payments WHERE request_id LIKE 'crash%' AND status = 'pending'",
    );
    if pending > 0 {
        let id = query(
            &db.path,
            "SELECT min(id) FROM payments WHERE request_id LIKE 'crash%' AND status = 'pending'",
        );
        tp(&db.path)
            .args(["payment", "complete", &id.to_string(), "--staff", "clerk"])
            .assert()
            .success();
        assert_eq!(
            balance(&db.path, "13800138000"),
            before + (approved + 1) * 1000
        );
    }
    tp(&db.path).arg("check").assert().success();
    eprintln!(
        "crash test: {approved} approved, {pending} pending, {:?}",
        started.elapsed()
    );
}
