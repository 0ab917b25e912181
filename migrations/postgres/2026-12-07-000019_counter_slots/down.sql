CREATE TABLE tallies_summed AS SELECT workspace_id, key, SUM(n)::bigint AS n FROM tallies GROUP BY workspace_id, key;
DROP TABLE tallies;
ALTER TABLE tallies_summed RENAME TO tallies;
ALTER TABLE tallies ALTER COLUMN n SET NOT NULL;
ALTER TABLE tallies ADD PRIMARY KEY (workspace_id, key);
