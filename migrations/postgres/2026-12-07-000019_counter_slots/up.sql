-- Dashboard counters without hot rows: each counter is split into slots, one per
-- database connection (pg_backend_pid() % 32), summed on read. Concurrent writers on
-- different connections move different rows, so they no longer queue on "group =
-- external" for every new person; a counter's value is still exact (the sum).
ALTER TABLE tallies ADD COLUMN slot INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tallies DROP CONSTRAINT tallies_pkey;
ALTER TABLE tallies ADD PRIMARY KEY (workspace_id, key, slot);
