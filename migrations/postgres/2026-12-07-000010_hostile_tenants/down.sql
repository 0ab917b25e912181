DROP TABLE calendar_links;
DROP INDEX webhook_deliveries_due_by_workspace;
