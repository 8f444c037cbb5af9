-- EXPUNGE finds the messages marked \Deleted, and SELECT/STATUS/SEARCH the unseen ones, without
-- reading every row of the mailbox: both are usually few. Queries name the literal value (deleted = 1,
-- seen = 0) so the planner can use these partial indexes.
CREATE INDEX message_deleted ON message (mailbox_id, uid) WHERE deleted = 1;
CREATE INDEX message_unseen ON message (mailbox_id, uid) WHERE seen = 0;
