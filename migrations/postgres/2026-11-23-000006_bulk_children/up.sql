-- Tags and history rows are written only by the store, in the same transaction as their
-- stakeholder, and stakeholders are never hard-deleted. Their foreign keys cost a lookup
-- per row whose cached plan, made while the table was small, scans the whole table in
-- long-lived sessions: bulk CRM loads slowed down batch after batch. The application
-- keeps this integrity; the constraints go.
ALTER TABLE stakeholder_tags DROP CONSTRAINT stakeholder_tags_workspace_id_stakeholder_id_fkey;
ALTER TABLE stakeholder_history DROP CONSTRAINT stakeholder_history_workspace_id_stakeholder_id_fkey;
