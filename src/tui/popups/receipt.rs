//! The receipt after a top-up (or looked up from the list); `e` exports it as a text file.

use crate::domain::Lang;
use crate::service::topup::{TopUpRecord, receipt_lines};
use crate::tui::i18n::t;
use crate::tui::theme;
use crate::tui::widgets::{centered, fit, pad};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// The receipt popup.
#[derive(Debug, Clone)]
pub struct ReceiptPopup {
    /// The payment.
    pub record: TopUpRecord,
    /// A line above the receipt (充值成功 · 已复机 …), and whether it is good news.
    pub headline: Option<(String, bool)>,
    /// Where it was exported, once it was.
    pub exported: Option<String>,
}

impl ReceiptPopup {
    /// Draws it centred.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, lang: Lang) {
        let lines = receipt_lines(&self.record, lang);
        let extra = usize::from(self.headline.is_some()) + 2;
        let h = (lines.len() + extra + 2) as u16;
        let r = centered(area, 60, h);
        let inner = super::frame(f, r, t(lang, "topup.receipt_title"));
        let w = lines.iter().map(|(k, _)| k.width()).max().unwrap_or(0) + 2;
        let value_w = (inner.width as usize).saturating_sub(w);
        let mut out: Vec<Line<'static>> = Vec::new();
        if let Some((text, good)) = &self.headline {
            out.push(Line::from(Span::styled(
                fit(text, inner.width as usize),
                if *good { theme::ok() } else { theme::warn() },
            )));
        }
        for (k, v) in lines {
            out.push(Line::from(vec![
                Span::styled(pad(k, w), theme::label()),
                Span::raw(fit(&v, value_w)),
            ]));
        }
        out.push(Line::from(""));
        let hint = match &self.exported {
            Some(p) => format!("{} {p}", t(lang, "topup.exported")),
            None => t(lang, "topup.receipt_keys").to_string(),
        };
        out.push(Line::from(Span::styled(
            fit(&hint, inner.width as usize),
            theme::muted(),
        )));
        f.render_widget(Paragraph::new(out), inner);
    }
}
