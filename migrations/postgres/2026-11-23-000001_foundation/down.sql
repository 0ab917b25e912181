DROP TABLE stakeholder_tags;
DROP TABLE stakeholders;
DROP TABLE server_settings;
DROP TABLE workspaces;
