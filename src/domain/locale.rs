//! Locale tags (BCP 47, the common subset): `language[-Script][-REGION]`, e.g. `fi`,
//! `zh-CN`, `zh-Hans-CN`, `ko`, `en-GB`; kept in canonical case.

/// The canonical form of a locale tag, or None when it is not one.
pub fn parse(tag: &str) -> Option<String> {
    let mut parts = tag.split(['-', '_']);
    let language = parts.next()?;
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = language.to_ascii_lowercase();
    let mut rest: Vec<&str> = parts.collect();
    if let Some(script) = rest.first().filter(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        out.push('-');
        out.push_str(&script[..1].to_ascii_uppercase());
        out.push_str(&script[1..].to_ascii_lowercase());
        rest.remove(0);
    }
    if let Some(region) = rest.first() {
        let alpha = region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic());
        let digits = region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit());
        if !(alpha || digits) {
            return None;
        }
        out.push('-');
        out.push_str(&region.to_ascii_uppercase());
        rest.remove(0);
    }
    rest.is_empty().then_some(out)
}

/// The best of `available` for a reader who prefers `wanted` (most preferred first):
/// an exact tag, else the same language (`zh-TW` → `zh-CN`, `fi-FI` → `fi`).
pub fn best<'a>(wanted: &[String], available: &[&'a str]) -> Option<&'a str> {
    for want in wanted {
        if let Some(hit) = available.iter().find(|a| a.eq_ignore_ascii_case(want)) {
            return Some(hit);
        }
        let language = want.split('-').next().unwrap_or_default();
        let same =
            available.iter().find(|a| a.split('-').next().is_some_and(|l| l.eq_ignore_ascii_case(language)));
        if let Some(hit) = same {
            return Some(hit);
        }
    }
    None
}

/// The tags of an `Accept-Language` header, most preferred first (`*` and bad tags left out).
pub fn accepted(header: &str) -> Vec<String> {
    let mut weighted: Vec<(f32, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(i, item)| {
            let mut bits = item.trim().split(';');
            let tag = parse(bits.next()?.trim())?;
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, i, tag))
        })
        .collect();
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    weighted.into_iter().map(|(_, _, tag)| tag).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_checked_and_put_in_canonical_case() {
        assert_eq!(parse("zh-cn").as_deref(), Some("zh-CN"));
        assert_eq!(parse("ZH_hans_cn").as_deref(), Some("zh-Hans-CN"));
        assert_eq!(parse("fi").as_deref(), Some("fi"));
        assert_eq!(parse("es-419").as_deref(), Some("es-419"));
        for bad in ["", "x", "english", "en-", "en-GBR", "zh-CN-extra", "e1", "klingon-tlh"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_best_available_locale_is_chosen() {
        let available = ["en", "zh-CN", "fi"];
        assert_eq!(best(&["zh-TW".into()], &available), Some("zh-CN"));
        assert_eq!(best(&["fi-FI".into(), "en".into()], &available), Some("fi"));
        assert_eq!(best(&["ko".into()], &available), None);
        assert_eq!(accepted("ko;q=0.5, fi-FI, en;q=0.8, *"), vec!["fi-FI", "en", "ko"]);
    }
}
