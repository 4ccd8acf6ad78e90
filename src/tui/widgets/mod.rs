//! Small reusable widgets.

pub mod input;

use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Pads to a display width (CJK characters count two columns).
pub fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

/// Cuts to a display width, marking the cut with `…`; control characters are shown as `?`.
pub fn fit(s: &str, width: usize) -> String {
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if clean.width() <= width {
        return clean;
    }
    let mut out = String::new();
    let mut w = 0;
    for c in clean.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_and_fits_by_display_width() {
        assert_eq!(pad("余额", 6), "余额  ");
        assert_eq!(pad("abc", 2), "abc");
        assert_eq!(fit("全球通畅享88元套餐", 8), "全球通…");
        assert_eq!(fit("ok", 8), "ok");
        assert_eq!(fit("a\nb", 8), "a?b");
    }
}
