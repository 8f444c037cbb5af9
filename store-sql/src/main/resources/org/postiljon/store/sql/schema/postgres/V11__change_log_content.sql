-- PostgreSQL: the thread-root index (see sqlite/V11); PostgresDialect.threadRoot() is the same text.
CREATE INDEX message_thread_root ON message ((CASE WHEN refs IS NULL OR refs = '' THEN message_id ELSE substr(refs, 1, strpos(refs || ' ', ' ') - 1) END));
