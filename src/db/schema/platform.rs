//! Tables that run the service: workspaces, feed, webhooks, credentials, counters.

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
    access_links (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        stakeholder_id -> Text,
        form_id -> Nullable<Text>,
        token_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    duplicate_dismissals (workspace_id, a_id, b_id) {
        workspace_id -> Text,
        a_id -> Text,
        b_id -> Text,
        dismissed_by -> Text,
        dismissed_at -> Timestamp,
    }
}

diesel::table! {
    shared_values (workspace_id, reason, value) {
        workspace_id -> Text,
        reason -> Text,
        value -> Text,
        holders -> BigInt,
    }
}

diesel::table! {
    change_counters (workspace_id) {
        workspace_id -> Text,
        last_seq -> BigInt,
    }
}

diesel::table! {
    changes (workspace_id, seq) {
        workspace_id -> Text,
        seq -> BigInt,
        entity_type -> Text,
        entity_id -> Text,
        op -> Text,
        at -> Timestamp,
        merged_into -> Nullable<Text>,
        xid -> BigInt,
    }
}

diesel::table! {
    webhooks (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        url -> Text,
        events -> Text,
        active -> Bool,
        secret -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        webhook_id -> Text,
        event -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (workspace_id, key) {
        workspace_id -> Text,
        key -> Text,
        request_hash -> Text,
        status -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        response_headers -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    calendar_links (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        token_hash -> Text,
        owner -> Nullable<Text>,
        created_by -> Text,
        role -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (workspace_id, id) {
        workspace_id -> Text,
        id -> Text,
        name -> Text,
        role -> Text,
        secret_hash -> Text,
        prefix -> Text,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tallies (workspace_id, key, slot) {
        workspace_id -> Text,
        key -> Text,
        slot -> Integer,
        n -> BigInt,
    }
}
