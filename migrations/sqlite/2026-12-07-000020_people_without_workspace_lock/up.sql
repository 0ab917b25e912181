-- Nothing to do here: on PostgreSQL the people's foreign key to workspaces went (its
-- row lock was shared by every concurrent writer of a workspace); SQLite's single
-- writer takes no row locks, so its key stays.
SELECT 1;
