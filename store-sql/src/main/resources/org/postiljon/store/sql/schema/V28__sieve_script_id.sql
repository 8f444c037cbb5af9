-- JMAP Sieve (RFC 9661) names a script by an id that a rename keeps (issue #20). Scripts kept
-- before get 1, 2, 3... per account in name order; new ones a random id above 2^32.
ALTER TABLE sieve_script ADD COLUMN script_id BIGINT;
UPDATE sieve_script SET script_id = (SELECT count(*) FROM sieve_script s WHERE s.account_id = sieve_script.account_id AND s.name <= sieve_script.name);
CREATE UNIQUE INDEX sieve_script_id ON sieve_script (account_id, script_id);
