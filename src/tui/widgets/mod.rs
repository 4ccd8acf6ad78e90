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

/// Breaks text into lines of at most `width` columns: at spaces where it can, anywhere in CJK text.
/// Paragraph's own wrapping cannot break a run of CJK characters, which then spills over borders.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut w = 0;
        for c in para.chars().map(|c| if c.is_control() { '?' } else { c }) {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w + cw > width {
                // Prefer breaking at the last space of an ASCII run.
                match line.rfind(' ').filter(|i| *i > 0 && line[*i..].is_ascii()) {
                    Some(i) => {
                        let rest = line[i + 1..].to_string();
                        line.truncate(i);
                        lines.push(std::mem::take(&mut line));
                        w = rest.width();
                        line = rest;
                    }
                    None => {
                        lines.push(std::mem::take(&mut line));
                        w = 0;
                    }
                }
            }
            if line.is_empty() && c == ' ' {
                continue;
            }
            line.push(c);
            w += cw;
        }
        lines.push(line);
    }
    lines
}

/// The strip of sub-views a tab offers: each view's key and name, the shown one highlighted.
/// Keys come from the keymap, so the strip never names a key that does something else.
pub fn view_strip(
    keymap: &crate::tui::keymap::Keymap,
    lang: crate::domain::Lang,
    views: impl IntoIterator<Item = (bool, crate::tui::keymap::Action, &'static str)>,
) -> ratatui::text::Line<'static> {
    use crate::tui::theme;
    use ratatui::text::Span;
    let mut spans = vec![Span::raw(" ")];
    for (shown, action, key) in views {
        let style = if shown {
            theme::selected()
        } else {
            theme::label()
        };
        spans.push(Span::styled(
            format!(
                "{} {}",
                keymap.label(action),
                crate::tui::i18n::t(lang, key)
            ),
            style,
        ));
        spans.push(Span::raw(" "));
    }
    ratatui::text::Line::from(spans)
}

/// The muted, bordered panel a tab shows instead of its body until the customer is verified:
/// `verify_key` (the tab's own hint) when someone is looked up, else "no customer".
pub fn verify_first(
    f: &mut ratatui::Frame<'_>,
    area: Rect,
    lang: crate::domain::Lang,
    has_customer: bool,
    verify_key: &str,
) {
    use ratatui::text::Line;
    use ratatui::widgets::{Block, Borders, Paragraph};
    let key = if has_customer {
        verify_key
    } else {
        "status.no_customer"
    };
    let lines: Vec<Line<'_>> = wrap(
        crate::tui::i18n::t(lang, key),
        area.width.saturating_sub(2) as usize,
    )
    .into_iter()
    .map(Line::from)
    .collect();
    f.render_widget(
        Paragraph::new(lines)
            .style(crate::tui::theme::muted())
            .block(Block::default().borders(Borders::ALL)),
        area,
    );
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

    #[test]
    fn wraps_cjk_and_words_within_the_width() {
        for line in wrap(
            "本月增加 1GB 国内流量，立即生效，可在柜台或咪咕视频 App 取消",
            12,
        ) {
            assert!(line.width() <= 12, "{line}");
        }
        assert_eq!(wrap("one two three", 8), vec!["one two", "three"]);
        assert_eq!(wrap("a\nb", 8), vec!["a", "b"]);
        assert_eq!(wrap("", 8), vec![""]);
    }
}
