-- The change bus between nodes (issue #18): every statement that adds to the change log wakes the
-- other nodes with one notification per account, "<account id>:<highest MODSEQ added>". It is only a
-- wake-up, delivered at commit; the change log stays the truth, so a node that missed one catches up
-- from the log. Identical notifications of one transaction are folded into one by PostgreSQL.
CREATE FUNCTION postiljon_change_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('postiljon_change', account_id::text || ':' || max(modseq)::text) FROM changed GROUP BY account_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER change_log_notify AFTER INSERT ON change_log REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION postiljon_change_notify();
