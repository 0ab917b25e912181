ALTER TABLE stakeholders ADD CONSTRAINT stakeholders_workspace_id_fkey
    FOREIGN KEY (workspace_id) REFERENCES workspaces (id);
