//! The closed value sets of a stakeholder's fields.

use crate::string_enum;

string_enum!(
    /// Where the stakeholder sits relative to the team.
    Group { Team = "team", Internal = "internal", External = "external" }
);

string_enum!(
    /// The stakeholder's function or kind of organisation.
    Category {
        Board = "board", Executive = "executive", Sales = "sales", Marketing = "marketing",
        Product = "product", ProjectManagement = "project_management", It = "it",
        CustomerService = "customer_service", Hr = "hr", Finance = "finance",
        Procurement = "procurement", Legal = "legal", Customer = "customer", Agency = "agency",
        Supplier = "supplier", Partner = "partner", Competitor = "competitor",
        IndustryBody = "industry_body", Union = "union", Media = "media", Investor = "investor",
        Community = "community", Government = "government", Other = "other",
    }
);

string_enum!(
    /// How far the working relationship has come.
    RelationshipStatus {
        Potential = "potential", ToActivate = "to_activate", Active = "active",
        NeedsStrengthening = "needs_strengthening", Dormant = "dormant",
    }
);

string_enum!(
    /// Whether the stakeholder backs or blocks the work.
    #[derive(Default)]
    Stance {
        Advocate = "advocate", Neutral = "neutral", Critic = "critic",
        #[default]
        Unknown = "unknown",
    }
);

string_enum!(
    /// Behavioural segments a stakeholder can belong to.
    Segment {
        Influencer = "influencer", Champion = "champion", Resister = "resister",
        Apathetic = "apathetic", DecisionMaker = "decision_maker", Participant = "participant",
    }
);

string_enum!(
    /// The part the stakeholder plays in a buying or approval decision.
    DecisionRole {
        DecisionMaker = "decision_maker", Approver = "approver", Evaluator = "evaluator",
        User = "user", Influencer = "influencer", Other = "other",
    }
);

string_enum!(
    /// Position on the influence × impact map (derived).
    Quadrant {
        KeyPlayer = "key_player", Expert = "expert", PassivePassenger = "passive_passenger",
        DistantRelative = "distant_relative", Unassessed = "unassessed",
    }
);

string_enum!(
    /// How to engage a stakeholder, following from the quadrant (derived).
    Strategy {
        ManageClosely = "manage_closely", Leverage = "leverage",
        KeepSatisfied = "keep_satisfied", Monitor = "monitor",
    }
);
