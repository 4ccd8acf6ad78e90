//! Printing: one JSON document on stdout for `--json`, tables otherwise.

use crate::error::Result;
use comfy_table::{Table, presets::UTF8_BORDERS_ONLY};
use serde::Serialize;

/// Prints a value as one pretty JSON document.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| std::io::Error::other(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// The outcome of a command: the value as JSON with `--json`, else the sentence for people.
pub fn report<T: Serialize + ?Sized>(json: bool, value: &T, text: &str) -> Result<()> {
    if json {
        return self::json(value);
    }
    println!("{text}");
    Ok(())
}

/// A table with a header row, widths measured by display width.
pub fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY);
    t.set_header(header.to_vec());
    for r in rows {
        t.add_row(r);
    }
    t.to_string()
}

/// Key–value lines, keys padded to one display width.
pub fn fields(pairs: &[(&str, String)]) -> String {
    use unicode_width::UnicodeWidthStr;
    let w = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in pairs {
        let pad = w - k.width();
        out.push_str(&format!("{k}{}  {v}\n", " ".repeat(pad)));
    }
    out
}
