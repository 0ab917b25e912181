DROP TABLE interaction_stakeholders;
DROP TABLE interactions;
DROP TABLE engagement_plans;
