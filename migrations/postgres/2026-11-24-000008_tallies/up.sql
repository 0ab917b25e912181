-- Exact counters for the dashboards, kept in the same transaction as every write that
-- changes them (store::tallies). Keys are paths: people/{p|c}/{dimension}/{value},
-- submissions/{form}/{period}/{n|promoters|passives|detractors},
-- interactions/{month}/{kind}/{n|impressions|clicks|shares|reactions},
-- plans/{next_due_on}/{owner}.
CREATE TABLE tallies (workspace_id TEXT NOT NULL, key TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (workspace_id, key));

-- Backfill from the rows already stored; from here on every write keeps them exact.
INSERT INTO tallies (workspace_id, key, n)
SELECT workspace_id, key, COUNT(*) FROM (
    SELECT workspace_id, 'people/' || CASE WHEN confidential THEN 'c' ELSE 'p' END || '/group/' || stakeholder_group AS key
    FROM stakeholders WHERE deleted_at IS NULL
    UNION ALL
    SELECT workspace_id, 'people/' || CASE WHEN confidential THEN 'c' ELSE 'p' END || '/category/' || COALESCE(category, '-')
    FROM stakeholders WHERE deleted_at IS NULL
    UNION ALL
    SELECT workspace_id, 'people/' || CASE WHEN confidential THEN 'c' ELSE 'p' END || '/decision_role/' || COALESCE(decision_role, '-')
    FROM stakeholders WHERE deleted_at IS NULL
    UNION ALL
    SELECT workspace_id, 'people/' || CASE WHEN confidential THEN 'c' ELSE 'p' END || '/relationship_status/' || COALESCE(relationship_status, '-')
    FROM stakeholders WHERE deleted_at IS NULL
    UNION ALL
    SELECT workspace_id, 'people/' || CASE WHEN confidential THEN 'c' ELSE 'p' END || '/cell/'
        || COALESCE(CAST(influence AS TEXT), '-') || '|' || COALESCE(CAST(impact AS TEXT), '-') || '|' || stance
    FROM stakeholders WHERE deleted_at IS NULL
    UNION ALL
    SELECT workspace_id, 'people/' || CASE WHEN confidential THEN 'c' ELSE 'p' END || '/veto/' || stance
    FROM stakeholders WHERE deleted_at IS NULL AND veto
    UNION ALL
    SELECT workspace_id, 'people/' || CASE WHEN confidential THEN 'c' ELSE 'p' END || '/planned/' || quadrant
    FROM stakeholders s WHERE deleted_at IS NULL AND EXISTS (SELECT 1 FROM engagement_plans p
        WHERE p.workspace_id = s.workspace_id AND p.stakeholder_id = s.id AND p.deleted_at IS NULL)
    UNION ALL
    SELECT s.workspace_id, 'people/' || CASE WHEN s.confidential THEN 'c' ELSE 'p' END || '/tag/' || t.tag
    FROM stakeholders s JOIN stakeholder_tags t ON t.workspace_id = s.workspace_id AND t.stakeholder_id = s.id
    WHERE s.deleted_at IS NULL
    UNION ALL
    SELECT workspace_id, 'submissions/' || form_id || '/' || period || '/n' FROM submissions
    UNION ALL
    SELECT workspace_id, 'submissions/' || form_id || '/' || period || '/'
        || CASE WHEN nps >= 9 THEN 'promoters' WHEN nps >= 7 THEN 'passives' ELSE 'detractors' END
    FROM submissions WHERE nps IS NOT NULL
    UNION ALL
    SELECT workspace_id, 'interactions/' || occurred_month || '/' || kind || '/n' FROM interactions WHERE deleted_at IS NULL
    UNION ALL
    SELECT workspace_id, 'plans/' || next_due_on || '/' || COALESCE(owner, '') FROM engagement_plans WHERE deleted_at IS NULL
) AS keyed
GROUP BY workspace_id, key;

INSERT INTO tallies (workspace_id, key, n)
SELECT workspace_id, key, SUM(n) FROM (
    SELECT workspace_id, 'interactions/' || occurred_month || '/' || kind || '/impressions' AS key, impressions AS n
    FROM interactions WHERE deleted_at IS NULL AND impressions IS NOT NULL
    UNION ALL
    SELECT workspace_id, 'interactions/' || occurred_month || '/' || kind || '/clicks', clicks
    FROM interactions WHERE deleted_at IS NULL AND clicks IS NOT NULL
    UNION ALL
    SELECT workspace_id, 'interactions/' || occurred_month || '/' || kind || '/shares', shares
    FROM interactions WHERE deleted_at IS NULL AND shares IS NOT NULL
    UNION ALL
    SELECT workspace_id, 'interactions/' || occurred_month || '/' || kind || '/reactions', reactions
    FROM interactions WHERE deleted_at IS NULL AND reactions IS NOT NULL
) AS summed
GROUP BY workspace_id, key;

-- Dashboards subtract what hidden people contributed; these find them without a scan.
CREATE INDEX stakeholders_deleted ON stakeholders (workspace_id, deleted_at);
-- Risk lists read the first few by influence (highest first), then name.
CREATE INDEX stakeholders_stance_influence ON stakeholders (workspace_id, stance, influence DESC, name, id);
CREATE INDEX stakeholders_veto_influence ON stakeholders (workspace_id, veto, influence DESC, name, id);
CREATE INDEX stakeholders_quadrant_influence ON stakeholders (workspace_id, quadrant, influence DESC, name, id);
