-- A delivered message is its recipient's trace fields (Return-Path, Delivered-To, Received) and
-- the content every recipient of the delivery shares (blob_id, parsed and indexed once). The
-- trace is kept here, beside the content; size counts both. NULL: no trace (appended mail, and
-- mail delivered before this migration, whose trace is inside its content).
ALTER TABLE message ADD COLUMN trace BLOB;
