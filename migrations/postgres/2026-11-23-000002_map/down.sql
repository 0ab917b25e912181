DROP TABLE stakeholder_history;
DROP TABLE relationships;
DROP TABLE contracts;
DROP TABLE accounts;
