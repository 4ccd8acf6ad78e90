//! `plan`, `pack` and `vas` on the command line: SPEC §3 names, JSON fields and exit codes.

mod common;

use assert_cmd::Command;
use common::demo_db;
use std::path::Path;

fn tp(db: &Path) -> Command {
    let mut c = Command::cargo_bin("touchpoint").unwrap();
    c.arg("--db").arg(db).arg("--lang").arg("en");
    c.env_remove("TOUCHPOINT_PASSWORD")
        .env_remove("TOUCHPOINT_DB")
        .env_remove("TOUCHPOINT_STAFF");
    c.env("TOUCHPOINT_NOW", "2026-12-04T10:00:00+08:00");
    c.env("TOUCHPOINT_PASSWORD", "demo");
    c
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).unwrap()
}

#[test]
fn plan_list_json_has_the_binding_fields() {
    let db = demo_db();
    let out = tp(&db.path)
        .args(["plan", "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v = json(&out.stdout);
    let all = v.as_array().unwrap();
    assert!(all.len() >= 15);
    for e in all {
        assert!(e["code"].is_string() && e["name"].is_string());
        let kind = e["kind"].as_str().unwrap();
        assert!(["plan", "pack", "vas"].contains(&kind));
        match kind {
            "pack" => assert!(e["price_fen"].is_i64() && e["brand"].is_null()),
            "plan" => assert!(e["monthly_fee_fen"].is_i64() && e["brand"].is_string()),
            _ => assert!(e["monthly_fee_fen"].is_i64() && e["brand"].is_null()),
        }
    }
}

#[test]
fn change_cancel_pack_and_vas_from_the_command_line() {
    let db = demo_db();
    let p = &db.path;
    let verify = ["--staff", "clerk", "--verify", "pw:123456"];
    // Without verification: refused (exit 4).
    tp(p)
        .args(["plan", "change", "13800138000", "GT128", "--staff", "clerk"])
        .assert()
        .code(4);
    let out = tp(p)
        .args(["plan", "change", "13800138000", "GT128", "--json"])
        .args(verify)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out.stdout);
    assert_eq!(v["effective_from"], "2027-01-01");
    assert_eq!(v["to_plan"], "GT128");
    let show = tp(p)
        .args(["customer", "show", "13800138000", "--json"])
        .args(["--staff", "clerk"])
        .output()
        .unwrap();
    assert_eq!(json(&show.stdout)["pending_plan"], "GT128");
    assert_eq!(json(&show.stdout)["plan"], "GT88");
    // A second one: refused with the reason.
    tp(p)
        .args(["plan", "change", "13800138000", "GT58"])
        .args(verify)
        .assert()
        .code(4)
        .stderr(predicates::str::contains("already pending"));
    tp(p)
        .args(["plan", "cancel", "13800138000"])
        .args(verify)
        .assert()
        .success();
    // Unknown codes are not found (exit 3).
    tp(p)
        .args(["pack", "add", "13800138000", "NOPE"])
        .args(verify)
        .assert()
        .code(3);
    let out = tp(p)
        .args(["pack", "add", "13800138000", "PK_DATA1G", "--json"])
        .args(verify)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out.stdout);
    assert_eq!(v["balance_before_fen"], 19150);
    assert_eq!(v["balance_after_fen"], 18150);
    tp(p)
        .args(["vas", "subscribe", "13800138000", "VAS_MUSIC"])
        .args(verify)
        .assert()
        .success();
    let out = tp(p)
        .args(["vas", "cancel", "13800138000", "VAS_MUSIC", "--json"])
        .args(verify)
        .output()
        .unwrap();
    let v = json(&out.stdout);
    assert_eq!(
        (v["ends_on"].as_str(), v["remaining_days"].as_i64()),
        (Some("2026-12-31"), Some(28))
    );
    // The suspended demo customer cannot buy a pack.
    tp(p)
        .args([
            "pack",
            "add",
            "13900139000",
            "PK_DATA1G",
            "--staff",
            "super",
            "--override",
            "test",
        ])
        .assert()
        .code(4)
        .stderr(predicates::str::contains("suspended"));
    tp(p).args(["check"]).assert().success();
}
