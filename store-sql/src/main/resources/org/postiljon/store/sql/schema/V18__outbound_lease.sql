-- A node sending a queued message holds a lease on it (issue #18): other nodes skip it until the
-- lease is released or runs out (the holder died). lease_owner names the holding process.
ALTER TABLE outbound ADD COLUMN lease_owner TEXT;
ALTER TABLE outbound ADD COLUMN lease_until BIGINT;
