-- How many people hold each value that can make two of them duplicates (folded email,
-- phone digits and name tokens of live people; CRM record ids of every row), moved by
-- every write (store::shared_values). A duplicates page reads the values held by two or
-- more through the partial index instead of grouping the whole register. Filled by the
-- Rust step after the migrations (the folded columns are Rust's).
CREATE TABLE shared_values (
    workspace_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    value TEXT NOT NULL,
    holders INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, reason, value)
);
CREATE INDEX shared_values_shared ON shared_values (workspace_id, reason, holders, value) WHERE holders > 1;
