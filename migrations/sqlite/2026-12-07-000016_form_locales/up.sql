-- Multi-language forms: the language of plain texts (every locale map must include it),
-- and the title's and description's locale maps when given as maps (JSON
-- {"title": {...}, "description": {...}}; `title` keeps the default locale's text).
-- Question labels and options live in form_versions.questions, which is JSON already.
ALTER TABLE forms ADD COLUMN default_locale TEXT NOT NULL DEFAULT 'en';
ALTER TABLE forms ADD COLUMN translations TEXT;
