DROP TABLE form_period_closures;
DROP TABLE feedback_items;
DROP TABLE submissions;
DROP TABLE form_versions;
DROP TABLE forms;
