-- PostgreSQL drops two foreign keys here for bulk-load speed (see its migration).
-- SQLite checks them cheaply, so they stay; this keeps both migration lists in step.
SELECT 1;
