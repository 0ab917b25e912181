CREATE TABLE tallies_summed (workspace_id TEXT NOT NULL, key TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (workspace_id, key));
INSERT INTO tallies_summed SELECT workspace_id, key, SUM(n) FROM tallies GROUP BY workspace_id, key;
DROP TABLE tallies;
ALTER TABLE tallies_summed RENAME TO tallies;
