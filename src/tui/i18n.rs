//! Screen texts in Chinese and English, from `assets/locales/`.

use crate::assets;
use crate::domain::Lang;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn table(lang: Lang) -> &'static BTreeMap<String, String> {
    static ZH: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    static EN: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    match lang {
        Lang::Zh => {
            ZH.get_or_init(|| toml::from_str(assets::LOCALE_ZH).expect("zh locale parses (tested)"))
        }
        Lang::En => {
            EN.get_or_init(|| toml::from_str(assets::LOCALE_EN).expect("en locale parses (tested)"))
        }
    }
}

/// The text for a key; a missing key shows as itself (and fails in debug builds, so tests catch it).
pub fn t(lang: Lang, key: &str) -> &'static str {
    match table(lang).get(key) {
        Some(s) => s.as_str(),
        None => {
            debug_assert!(false, "missing {} text for {key}", lang.code());
            Box::leak(key.to_string().into_boxed_str())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let zh: Vec<_> = table(Lang::Zh).keys().collect();
        let en: Vec<_> = table(Lang::En).keys().collect();
        assert_eq!(zh, en);
        assert!(table(Lang::En).values().all(|v| !v.is_empty()));
    }
}
