-- JMAP Email ids are content addresses (as IMAP EMAILID): an expunge tombstone keeps the content
-- it removed, so Email/changes can name the destroyed (or moved) Email. NULL in older rows and in
-- rows of other kinds, whose message is still there to join.
ALTER TABLE change_log ADD COLUMN blob_id TEXT;

-- Thread/get finds a thread's messages by its root: the first of the references, or the message's
-- own Message-ID (ObjectIds.thread). An index on that expression; SqlTx.THREAD_ROOT is the same text.
CREATE INDEX message_thread_root ON message (CASE WHEN refs IS NULL OR refs = '' THEN message_id ELSE substr(refs, 1, instr(refs || ' ', ' ') - 1) END);
