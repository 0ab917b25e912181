//! Hand-written, portable schema: the same column types on SQLite and PostgreSQL.

diesel::table! {
    workspaces (id) {
        id -> Text,
        name -> Text,
        slug -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    server_settings (key) {
        key -> Text,
        value -> Text,
    }
}

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
    }
}

diesel::table! {
    stakeholder_tags (workspace_id, tag, stakeholder_id) {
        workspace_id -> Text,
        stakeholder_id -> Text,
        tag -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    workspaces,
    server_settings,
    stakeholders,
    stakeholder_tags
);
