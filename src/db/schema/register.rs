//! Tables of the register: people, accounts, relationships, feedback, engagement.

diesel::table! {
    stakeholders (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        title -> Nullable<Text>,
        organization -> Nullable<Text>,
        department -> Nullable<Text>,
        account_id -> Nullable<Text>,
        stakeholder_group -> Text,
        category -> Nullable<Text>,
        tags -> Text,
        relationship_status -> Nullable<Text>,
        owner -> Nullable<Text>,
        source -> Nullable<Text>,
        external_id -> Nullable<Text>,
        custom_fields -> Text,
        influence -> Nullable<Integer>,
        impact -> Nullable<Integer>,
        quadrant -> Text,
        stance -> Text,
        stance_reason -> Nullable<Text>,
        segments -> Text,
        decision_role -> Nullable<Text>,
        veto -> Bool,
        goals -> Nullable<Text>,
        concerns -> Nullable<Text>,
        pitch -> Nullable<Text>,
        rights -> Text,
        responsibilities -> Text,
        notes -> Nullable<Text>,
        confidential -> Bool,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        name_key -> Text,
        name_tokens -> Text,
        search_text -> Text,
        email_key -> Nullable<Text>,
        phone_key -> Nullable<Text>,
        merged_into -> Nullable<Text>,
        locale -> Nullable<Text>,
    }
}

diesel::table! {
    stakeholder_tags (workspace_id, tag, stakeholder_id) {
        workspace_id -> Text,
        stakeholder_id -> Text,
        tag -> Text,
    }
}

diesel::table! {
    accounts (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        name -> Text,
        source -> Nullable<Text>,
        external_id -> Nullable<Text>,
        industry -> Nullable<Text>,
        status -> Text,
        owner -> Nullable<Text>,
        business_goals -> Text,
        kpis -> Text,
        pain_points -> Text,
        competitors -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    contracts (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        account_id -> Text,
        title -> Text,
        value_minor -> BigInt,
        currency -> Text,
        start_date -> Text,
        end_date -> Nullable<Text>,
        status -> Text,
        kpi_terms -> Nullable<Text>,
        status_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    relationships (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        from_id -> Text,
        to_id -> Text,
        kind -> Text,
        label -> Nullable<Text>,
        strength -> Nullable<Integer>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    stakeholder_history (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        stakeholder_id -> Text,
        at -> Timestamp,
        actor -> Text,
        op -> Text,
        changes -> Text,
    }
}

diesel::table! {
    forms (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        title -> Text,
        description -> Nullable<Text>,
        audience -> Text,
        status -> Text,
        version -> Integer,
        revision -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        default_locale -> Text,
        translations -> Nullable<Text>,
    }
}

diesel::table! {
    form_reminders (workspace_id, form_id, period, stakeholder_id) {
        workspace_id -> Text,
        form_id -> Text,
        period -> Text,
        stakeholder_id -> Text,
        reminded_at -> Timestamp,
    }
}

diesel::table! {
    form_versions (workspace_id, form_id, number) {
        workspace_id -> Text,
        form_id -> Text,
        number -> Integer,
        questions -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    submissions (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        form_id -> Text,
        form_version -> Integer,
        stakeholder_id -> Text,
        period -> Text,
        answers -> Text,
        nps -> Nullable<Integer>,
        submitted_by -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        superseded_by -> Nullable<Text>,
    }
}

diesel::table! {
    feedback_items (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        stakeholder_id -> Text,
        submission_id -> Nullable<Text>,
        form_id -> Nullable<Text>,
        period -> Nullable<Text>,
        summary -> Text,
        detail -> Nullable<Text>,
        status -> Text,
        response -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    form_period_closures (workspace_id, form_id, period) {
        workspace_id -> Text,
        form_id -> Text,
        period -> Text,
        closed_at -> Timestamp,
        closed_by -> Text,
    }
}

diesel::table! {
    engagement_plans (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        stakeholder_id -> Text,
        channel -> Text,
        cadence -> Text,
        owner -> Nullable<Text>,
        priority -> Text,
        objective -> Nullable<Text>,
        next_step -> Nullable<Text>,
        starts_on -> Text,
        last_contact_at -> Nullable<Timestamp>,
        next_due_on -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    interactions (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        kind -> Text,
        occurred_at -> Timestamp,
        summary -> Text,
        outcome -> Nullable<Text>,
        sentiment -> Nullable<Text>,
        stakeholder_ids -> Text,
        impressions -> Nullable<BigInt>,
        clicks -> Nullable<BigInt>,
        shares -> Nullable<BigInt>,
        reactions -> Nullable<BigInt>,
        occurred_month -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    interaction_stakeholders (workspace_id, interaction_id, stakeholder_id) {
        workspace_id -> Text,
        interaction_id -> Text,
        stakeholder_id -> Text,
        occurred_at -> Timestamp,
    }
}
