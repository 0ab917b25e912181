-- A new person no longer locks the workspace's row. The foreign key to workspaces made
-- every insert take FOR KEY SHARE on that one row; concurrent writers of a workspace then
-- each built a new MultiXact on it (one WAL record and a member copy per create) and
-- queued on its buffer. Workspaces are never deleted and a person's workspace comes from
-- a verified token, so the key guarded nothing a write can break.
ALTER TABLE stakeholders DROP CONSTRAINT stakeholders_workspace_id_fkey;
