-- Exact counters for the dashboards, kept in the same transaction as every write that
-- changes them (store::tallies, store::row_tallies). Keys are paths:
-- people/{p|c}/{dimension}/{value} (live people, public or confidential),
-- submissions/{form}/{period}/{n|promoters|passives|detractors}/{state},
-- interactions/{month}/{kind}/{n|impressions|clicks|shares|reactions}/{p|c},
-- plans/{next_due_on}/{state}/{owner}; state is the person's: p live, c live and
-- confidential, d deleted; an interaction is c when anyone in it is confidential.
CREATE TABLE tallies (workspace_id TEXT NOT NULL, key TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (workspace_id, key)) WITHOUT ROWID;

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
    SELECT workspace_id, 'people/' || CASE WHEN confidential THEN 'c' ELSE 'p' END || '/cell/' || COALESCE(CAST(influence AS TEXT), '-') || '|' || COALESCE(CAST(impact AS TEXT), '-') || '|' || stance
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
    SELECT x.workspace_id, 'submissions/' || x.form_id || '/' || x.period || '/n/' || CASE WHEN s.deleted_at IS NOT NULL THEN 'd' WHEN s.confidential THEN 'c' ELSE 'p' END
    FROM submissions x JOIN stakeholders s ON s.workspace_id = x.workspace_id AND s.id = x.stakeholder_id
    UNION ALL
    SELECT x.workspace_id, 'submissions/' || x.form_id || '/' || x.period || '/'
        || CASE WHEN x.nps >= 9 THEN 'promoters' WHEN x.nps >= 7 THEN 'passives' ELSE 'detractors' END
        || '/' || CASE WHEN s.deleted_at IS NOT NULL THEN 'd' WHEN s.confidential THEN 'c' ELSE 'p' END
    FROM submissions x JOIN stakeholders s ON s.workspace_id = x.workspace_id AND s.id = x.stakeholder_id
    WHERE x.nps IS NOT NULL
    UNION ALL
    SELECT x.workspace_id, 'plans/' || x.next_due_on || '/' || CASE WHEN s.deleted_at IS NOT NULL THEN 'd' WHEN s.confidential THEN 'c' ELSE 'p' END || '/' || COALESCE(x.owner, '')
    FROM engagement_plans x JOIN stakeholders s ON s.workspace_id = x.workspace_id AND s.id = x.stakeholder_id
    WHERE x.deleted_at IS NULL
) AS keyed
GROUP BY workspace_id, key;

-- Interactions: one row per live interaction and metric, marked c when anyone in it is
-- confidential.
INSERT INTO tallies (workspace_id, key, n)
SELECT workspace_id, 'interactions/' || occurred_month || '/' || kind || '/' || metric || '/' || st,
    SUM(CASE metric WHEN 'n' THEN 1 WHEN 'impressions' THEN COALESCE(impressions, 0)
        WHEN 'clicks' THEN COALESCE(clicks, 0) WHEN 'shares' THEN COALESCE(shares, 0)
        ELSE COALESCE(reactions, 0) END)
FROM (
    SELECT x.workspace_id, x.occurred_month, x.kind, x.impressions, x.clicks, x.shares, x.reactions,
        CASE WHEN EXISTS (SELECT 1 FROM interaction_stakeholders l
            JOIN stakeholders s ON s.workspace_id = l.workspace_id AND s.id = l.stakeholder_id
            WHERE l.workspace_id = x.workspace_id AND l.interaction_id = x.id AND s.confidential)
        THEN 'c' ELSE 'p' END AS st
    FROM interactions x WHERE x.deleted_at IS NULL
) AS live
CROSS JOIN (
    SELECT 'n' AS metric UNION ALL SELECT 'impressions' UNION ALL SELECT 'clicks'
    UNION ALL SELECT 'shares' UNION ALL SELECT 'reactions'
) AS metrics
GROUP BY workspace_id, occurred_month, kind, metric, st
HAVING SUM(CASE metric WHEN 'n' THEN 1 WHEN 'impressions' THEN COALESCE(impressions, 0)
    WHEN 'clicks' THEN COALESCE(clicks, 0) WHEN 'shares' THEN COALESCE(shares, 0)
    ELSE COALESCE(reactions, 0) END) <> 0;

-- Open and stale points and overdue plan lists leave out deleted people by this index
-- (partial: only deleted rows, so writes of live people do not touch it).
CREATE INDEX stakeholders_deleted ON stakeholders (workspace_id, deleted_at) WHERE deleted_at IS NOT NULL;
-- Risk lists read the first few by influence (highest first), then name (veto holders
-- are few: a partial index).
CREATE INDEX stakeholders_stance_influence ON stakeholders (workspace_id, stance, influence DESC, name, id);
CREATE INDEX stakeholders_veto_influence ON stakeholders (workspace_id, influence DESC, name, id) WHERE veto;
CREATE INDEX stakeholders_quadrant_influence ON stakeholders (workspace_id, quadrant, influence DESC, name, id);
