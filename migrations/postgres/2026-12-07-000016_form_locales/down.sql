ALTER TABLE forms DROP COLUMN translations;
ALTER TABLE forms DROP COLUMN default_locale;
