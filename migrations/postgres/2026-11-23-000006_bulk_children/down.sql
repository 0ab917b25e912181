ALTER TABLE stakeholder_tags ADD FOREIGN KEY (workspace_id, stakeholder_id) REFERENCES stakeholders (workspace_id, id) ON DELETE CASCADE;
ALTER TABLE stakeholder_history ADD FOREIGN KEY (workspace_id, stakeholder_id) REFERENCES stakeholders (workspace_id, id);
