ALTER TABLE stakeholders DROP COLUMN locale;
