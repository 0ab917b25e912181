DROP INDEX stakeholders_quadrant_influence;
DROP INDEX stakeholders_veto_influence;
DROP INDEX stakeholders_stance_influence;
DROP INDEX stakeholders_deleted;
DROP TABLE tallies;
