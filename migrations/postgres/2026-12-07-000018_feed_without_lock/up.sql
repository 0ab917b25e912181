-- The change feed without a workspace lock. A change is stamped with its transaction id
-- (`xid`, pg_current_xact_id) and a number from one sequence (no lock: writers of a
-- workspace commit concurrently). Readers order by (xid, seq) and return only changes of
-- transactions older than the oldest still in flight (pg_snapshot_xmin), so a change
-- that commits late can never fall behind a cursor already handed out. Rows written
-- before this migration keep xid 0, so their old cursors (a seq) read as (0, seq).
ALTER TABLE changes ADD COLUMN xid BIGINT NOT NULL DEFAULT 0;
CREATE SEQUENCE change_seq;
SELECT setval('change_seq', (SELECT COALESCE(MAX(last_seq), 0) + 1 FROM change_counters));
CREATE INDEX changes_feed ON changes (workspace_id, xid, seq);
DROP INDEX changes_by_type;
CREATE INDEX changes_by_type ON changes (workspace_id, entity_type, xid, seq);
