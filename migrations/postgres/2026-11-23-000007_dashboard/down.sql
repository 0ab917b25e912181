DROP INDEX feedback_items_open;
DROP INDEX stakeholders_confidential;
DROP INDEX interactions_month;
ALTER TABLE interactions DROP COLUMN occurred_month;
