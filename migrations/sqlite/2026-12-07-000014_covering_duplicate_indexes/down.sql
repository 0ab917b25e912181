DROP INDEX stakeholders_dup_name;
CREATE INDEX stakeholders_dup_name ON stakeholders (workspace_id, name_tokens, id) WHERE deleted_at IS NULL;
DROP INDEX stakeholders_dup_email;
CREATE INDEX stakeholders_dup_email ON stakeholders (workspace_id, email_key, id) WHERE deleted_at IS NULL AND email_key IS NOT NULL;
DROP INDEX stakeholders_dup_phone;
CREATE INDEX stakeholders_dup_phone ON stakeholders (workspace_id, phone_key, id) WHERE deleted_at IS NULL AND phone_key IS NOT NULL;
