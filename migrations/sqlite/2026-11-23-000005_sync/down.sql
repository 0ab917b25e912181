DROP TABLE api_keys;
DROP TABLE idempotency_keys;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE changes;
DROP TABLE change_counters;
