-- PostgreSQL: trace fields beside the shared content (see sqlite/V17).
ALTER TABLE message ADD COLUMN trace BYTEA;
