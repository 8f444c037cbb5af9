-- JMAP Email ids are content addresses (as IMAP EMAILID): an expunge tombstone keeps the content
-- it removed, so Email/changes can name the destroyed (or moved) Email. NULL in older rows and in
-- rows of other kinds, whose message is still there to join.
ALTER TABLE change_log ADD COLUMN blob_id TEXT;
