DROP TABLE shared_values;
