-- SQLite: Thread/get finds a thread's messages by its root: the first of the references, or the message's
-- own Message-ID (ObjectIds.thread). An index on that expression; Dialect.threadRoot() is the same text.
CREATE INDEX message_thread_root ON message (CASE WHEN refs IS NULL OR refs = '' THEN message_id ELSE substr(refs, 1, instr(refs || ' ', ' ') - 1) END);
