//! One folding of people's text for search, sort and duplicate detection, computed in
//! Rust so SQLite (whose `lower()` folds ASCII only) and PostgreSQL agree byte for byte.
//!
//! Folding: canonical decomposition, combining marks dropped (é → e, ä → a, ğ → g),
//! lower case (Unicode), letters that do not decompose mapped to their base letters
//! (ß → ss, ø → o, æ → ae, ł → l, đ → d, ı → i…), whitespace runs collapsed to one space
//! and trimmed. CJK and Hangul text passes through unchanged (Hangul syllables are
//! recomposed, so "김민준" stays "김민준").

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Sorts below every character a folded text can hold: `fold(a) SEP a` orders by the
/// folded text first, then by the exact text.
const SORT_SEPARATOR: char = '\u{1}';
/// Separates the folded fields of the search text; a folded query never holds it.
const FIELD_SEPARATOR: char = '\n';

/// The folded form of `text` (see the module documentation).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut base = ' ';
    let stripped = text.nfd().filter(|&c| {
        if !is_combining_mark(c) {
            base = c;
            return true;
        }
        !is_accented_script(base)
    });
    for c in stripped.nfc() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match base_letters(c) {
            Some(base) => out.push_str(base),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

// Accents are dropped from Latin, Greek and Cyrillic letters only: elsewhere a mark is
// part of the letter (Japanese が is not か, Devanagari vowel signs are vowels).
fn is_accented_script(base: char) -> bool {
    matches!(base, '\u{0}'..='\u{052F}' | '\u{1E00}'..='\u{1FFF}')
}

// Letters that carry their difference in the letter itself, not in a combining mark.
fn base_letters(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' | 'ẞ' => "ss",
        'ø' | 'Ø' => "o",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' | 'ð' | 'Ð' => "d",
        'þ' | 'Þ' => "th",
        'ı' => "i",
        'ħ' | 'Ħ' => "h",
        'ŧ' | 'Ŧ' => "t",
        'ŀ' | 'Ŀ' => "l",
        'ſ' => "s",
        _ => return None,
    })
}

/// The stored sort key of a name: folded name, then the exact name as the tiebreak.
pub fn name_sort_key(name: &str) -> String {
    let mut key = fold(name);
    key.push(SORT_SEPARATOR);
    key.push_str(name);
    key
}

/// The folded name's words in order: "Wang David" and "David  Wang" share it.
pub fn name_tokens(name: &str) -> String {
    let folded = fold(name);
    let mut words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    words.sort_unstable();
    words.join(" ")
}

/// What `q` is matched against: the folded name, email and organisation.
pub fn search_text(name: &str, email: Option<&str>, organization: Option<&str>) -> String {
    let mut text = fold(name);
    for part in [email, organization].into_iter().flatten() {
        text.push(FIELD_SEPARATOR);
        text.push_str(&fold(part));
    }
    text
}

/// An email compared case-insensitively (Unicode lower case, trimmed).
pub fn email_key(email: Option<&str>) -> Option<String> {
    email.map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty())
}

/// Fewer digits than this are not a phone number worth matching on.
const MIN_PHONE_DIGITS: usize = 6;

/// A phone number's digits (any script's decimal digits, as ASCII), when there are enough.
pub fn phone_key(phone: Option<&str>) -> Option<String> {
    let digits: String =
        phone?.chars().filter_map(|c| c.to_digit(10)).filter_map(|d| char::from_digit(d, 10)).collect();
    (digits.len() >= MIN_PHONE_DIGITS).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_base_letters() {
        assert_eq!(fold("Äänislinna Öhman"), "aanislinna ohman");
        assert_eq!(fold("ÄÄNIS"), "aanis");
        assert_eq!(fold("Émile Zola"), "emile zola");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Søren Kierkegaard"), "soren kierkegaard");
        assert_eq!(fold("Łukasz Żółć"), "lukasz zolc");
        assert_eq!(fold("İsmail Ağaoğlu"), "ismail agaoglu");
        assert_eq!(fold("ışık"), "isik");
        assert_eq!(fold("  Æsa \t  Đorđe  "), "aesa dorde");
    }

    #[test]
    fn cjk_and_hangul_pass_through() {
        assert_eq!(fold("张伟"), "张伟");
        assert_eq!(fold("김민준"), "김민준");
        assert_eq!(fold("が"), "が");
    }

    #[test]
    fn sort_keys_order_base_letters_first() {
        let mut names = vec!["Erik", "Zoë", "ewa", "Émile", "Eero", "Zola", "emile"];
        names.sort_by_key(|n| name_sort_key(n));
        assert_eq!(names, vec!["Eero", "emile", "Émile", "Erik", "ewa", "Zoë", "Zola"]);
    }

    #[test]
    fn tokens_ignore_word_order() {
        assert_eq!(name_tokens("Wang David"), name_tokens("david  WANG"));
        assert_ne!(name_tokens("Wang David"), name_tokens("Wang Dawid"));
    }

    #[test]
    fn phone_and_email_keys() {
        assert_eq!(phone_key(Some("+358 (40) 123-4567")), Some("358401234567".into()));
        assert_eq!(phone_key(Some("12")), None);
        assert_eq!(email_key(Some(" Anna@Example.FI ")), Some("anna@example.fi".into()));
    }
}
