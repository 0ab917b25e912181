-- The stakeholder list filters on one of these columns and orders by name (the default
-- sort), id: with the name in the index, a filtered page is an ordered range scan that
-- stops after `limit` rows, instead of a name-order scan that skips every row of other
-- values (slow when many names sort before the first match) or a sort of every match.
DROP INDEX stakeholders_group;
CREATE INDEX stakeholders_group ON stakeholders (workspace_id, stakeholder_group, name, id);
DROP INDEX stakeholders_category;
CREATE INDEX stakeholders_category ON stakeholders (workspace_id, category, name, id);
DROP INDEX stakeholders_stance;
CREATE INDEX stakeholders_stance ON stakeholders (workspace_id, stance, name, id);
DROP INDEX stakeholders_decision_role;
CREATE INDEX stakeholders_decision_role ON stakeholders (workspace_id, decision_role, name, id);
DROP INDEX stakeholders_relationship_status;
CREATE INDEX stakeholders_relationship_status ON stakeholders (workspace_id, relationship_status, name, id);
DROP INDEX stakeholders_quadrant;
CREATE INDEX stakeholders_quadrant ON stakeholders (workspace_id, quadrant, name, id);
DROP INDEX stakeholders_owner;
CREATE INDEX stakeholders_owner ON stakeholders (workspace_id, owner, name, id);
DROP INDEX stakeholders_account;
CREATE INDEX stakeholders_account ON stakeholders (workspace_id, account_id, name, id);
