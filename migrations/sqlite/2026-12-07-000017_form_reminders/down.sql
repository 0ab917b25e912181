DROP TABLE form_reminders;
