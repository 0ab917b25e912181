-- The language a person is addressed in (BCP 47; null = the workspace default).
ALTER TABLE stakeholders ADD COLUMN locale TEXT;
