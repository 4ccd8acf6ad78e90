//! `?`: every key, generated from the keymap so it never lies.

use crate::domain::Lang;
use crate::tui::i18n::t;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::theme;
use crate::tui::widgets::{centered, pad};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The help overlay.
#[derive(Debug, Default, Clone)]
pub struct HelpPopup {
    /// Lines scrolled.
    pub scroll: u16,
}

impl HelpPopup {
    /// The lines: one per action, with every key bound to it.
    pub fn lines(keymap: &Keymap, lang: Lang, tabs: usize) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        for (section, entries) in keymap.entries() {
            out.push(Line::from(Span::styled(
                t(lang, &format!("help.section.{section}")).to_string(),
                theme::warn(),
            )));
            let mut seen_tab = false;
            for (action, keys) in entries {
                let keys_text = if let Action::Tab(_) = action {
                    if seen_tab {
                        continue;
                    }
                    seen_tab = true;
                    if tabs > 1 {
                        format!("1 … {tabs}")
                    } else {
                        "1".to_string()
                    }
                } else {
                    keys.join(" / ")
                };
                out.push(Line::from(vec![
                    Span::styled(pad(&format!("  {keys_text}"), 18), theme::key()),
                    Span::raw(t(lang, &action.help_key()).to_string()),
                ]));
            }
        }
        out.push(Line::from(Span::styled(
            t(lang, "help.section.popups").to_string(),
            theme::warn(),
        )));
        for k in [
            "help.popup.search",
            "help.popup.verify",
            "help.popup.login",
            "help.popup.topup",
            "help.popup.ticket_form",
            "help.popup.record",
        ] {
            out.push(Line::from(format!("  {}", t(lang, k))));
        }
        out
    }

    /// Draws the overlay.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, keymap: &Keymap, lang: Lang, tabs: usize) {
        let r = centered(area, 70, area.height.saturating_sub(2));
        let inner = super::frame(
            f,
            r,
            &format!("{} · {}", t(lang, "help.title"), t(lang, "help.scroll")),
        );
        let lines = Self::lines(keymap, lang, tabs);
        f.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .scroll((self.scroll, 0)),
            inner,
        );
    }
}
