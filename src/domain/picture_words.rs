//! The words the pictures print (quadrant names, axis titles, legends, rings), in the
//! languages the teams work in: English, Chinese, Korean and Finnish.

/// Every word a picture prints, in one language.
pub struct Words {
    /// The language tag these are in.
    pub lang: &'static str,
    /// "Influence" (vertical axis).
    pub influence: &'static str,
    /// "Impact" (horizontal axis).
    pub impact: &'static str,
    /// Key players, experts, passive passengers, distant relatives.
    pub quadrants: [&'static str; 4],
    /// "Stance" (legend title).
    pub stance: &'static str,
    /// Advocate, neutral, critic, unknown.
    pub stances: [&'static str; 4],
    /// "{n} not assessed (not shown)", with `{n}` for the count.
    pub unassessed: &'static str,
    /// The matrix's title.
    pub matrix_title: &'static str,
    /// The network's title.
    pub network_title: &'static str,
    /// The rings' title.
    pub groups_title: &'static str,
    /// Team, internal, external.
    pub groups: [&'static str; 3],
    /// "Relationship" (legend title).
    pub relationship: &'static str,
    /// Reports to, collaborates, conflicts, gives feedback, influences.
    pub kinds: [&'static str; 5],
    /// "Veto".
    pub veto: &'static str,
}

impl Words {
    /// A stance's name.
    pub fn stance_name(&self, stance: &str) -> &'static str {
        let i = super::picture::STANCES.iter().position(|s| *s == stance).unwrap_or(3);
        self.stances[i]
    }

    /// A relationship kind's name.
    pub fn kind_name(&self, kind: &str) -> &'static str {
        let i = KINDS.iter().position(|k| *k == kind).unwrap_or(4);
        self.kinds[i]
    }
}

/// Relationship kinds in legend order.
pub const KINDS: [&str; 5] = ["reports_to", "collaborates", "conflicts", "gives_feedback", "influences"];

const EN: Words = Words {
    lang: "en",
    influence: "Influence",
    impact: "Impact",
    quadrants: ["Key players", "Experts", "Passive passengers", "Distant relatives"],
    stance: "Stance",
    stances: ["Advocate", "Neutral", "Critic", "Unknown"],
    unassessed: "{n} not assessed (not shown)",
    matrix_title: "Influence × impact",
    network_title: "Relationship network",
    groups_title: "Team, internal and external stakeholders",
    groups: ["Team", "Internal", "External"],
    relationship: "Relationship",
    kinds: ["Reports to", "Collaborates", "Conflicts", "Gives feedback", "Influences"],
    veto: "Veto",
};

const ZH: Words = Words {
    lang: "zh-CN",
    influence: "影响力",
    impact: "影响程度",
    quadrants: ["关键人物", "专家", "被动参与者", "远亲"],
    stance: "立场",
    stances: ["支持者", "中立", "批评者", "未知"],
    unassessed: "{n} 人未评估（未显示）",
    matrix_title: "影响力 × 影响程度",
    network_title: "关系网络",
    groups_title: "团队、内部与外部利益相关者",
    groups: ["团队", "内部", "外部"],
    relationship: "关系",
    kinds: ["汇报给", "合作", "冲突", "提供反馈", "影响"],
    veto: "否决权",
};

const KO: Words = Words {
    lang: "ko",
    influence: "영향력",
    impact: "영향도",
    quadrants: ["핵심 인물", "전문가", "수동적 참여자", "먼 관계자"],
    stance: "입장",
    stances: ["지지자", "중립", "비판자", "알 수 없음"],
    unassessed: "{n}명 미평가 (표시 안 됨)",
    matrix_title: "영향력 × 영향도",
    network_title: "관계 네트워크",
    groups_title: "팀, 내부 및 외부 이해관계자",
    groups: ["팀", "내부", "외부"],
    relationship: "관계",
    kinds: ["보고 대상", "협력", "갈등", "피드백 제공", "영향"],
    veto: "거부권",
};

const FI: Words = Words {
    lang: "fi",
    influence: "Vaikutusvalta",
    impact: "Vaikutus",
    quadrants: ["Avainhenkilöt", "Asiantuntijat", "Passiiviset matkustajat", "Kaukaiset sukulaiset"],
    stance: "Asenne",
    stances: ["Puolestapuhuja", "Neutraali", "Kriitikko", "Tuntematon"],
    unassessed: "{n} arvioimatta (ei näytetä)",
    matrix_title: "Vaikutusvalta × vaikutus",
    network_title: "Suhdeverkosto",
    groups_title: "Tiimi, sisäiset ja ulkoiset sidosryhmät",
    groups: ["Tiimi", "Sisäiset", "Ulkoiset"],
    relationship: "Suhde",
    kinds: ["Raportoi", "Tekee yhteistyötä", "Konflikti", "Antaa palautetta", "Vaikuttaa"],
    veto: "Veto-oikeus",
};

/// The languages pictures are drawn in.
pub const LANGUAGES: [&str; 4] = ["en", "zh-CN", "ko", "fi"];

/// The words of `lang` (a supported tag; anything else gets English).
pub fn words(lang: &str) -> &'static Words {
    match lang {
        "zh-CN" => &ZH,
        "ko" => &KO,
        "fi" => &FI,
        _ => &EN,
    }
}

/// The picture language for a request: `lang` when given (422 when it is not a locale
/// tag), else the best of `Accept-Language`, else English. Related tags match by
/// language (`zh-TW` → `zh-CN`, `fi-FI` → `fi`).
pub fn choose(lang: Option<&str>, accept_language: Option<&str>) -> Result<&'static str, String> {
    let wanted = match lang {
        Some(tag) => vec![super::locale::parse(tag).ok_or_else(|| format!("'{tag}' is not a locale tag"))?],
        None => accept_language.map(super::locale::accepted).unwrap_or_default(),
    };
    Ok(super::locale::best(&wanted, &LANGUAGES).unwrap_or("en"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_chosen_from_lang_then_accept_language() {
        assert_eq!(choose(Some("ko"), Some("fi")).unwrap(), "ko");
        assert_eq!(choose(None, Some("zh-TW, en;q=0.5")).unwrap(), "zh-CN");
        assert_eq!(choose(None, Some("sv")).unwrap(), "en");
        assert_eq!(choose(Some("sv"), None).unwrap(), "en");
        assert!(choose(Some("not a tag"), None).is_err());
        assert_eq!(words("fi").quadrants[0], "Avainhenkilöt");
    }
}
