-- Decoded address lists, so SEARCH FROM/TO/CC/BCC reads a column instead of the parse JSON.
ALTER TABLE message ADD COLUMN from_text TEXT;
ALTER TABLE message ADD COLUMN to_text TEXT;
ALTER TABLE message ADD COLUMN cc_text TEXT;
ALTER TABLE message ADD COLUMN bcc_text TEXT;
