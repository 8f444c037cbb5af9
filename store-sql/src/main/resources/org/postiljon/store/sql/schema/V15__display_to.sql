-- RFC 5957 §3 SORT=DISPLAY: DISPLAYTO orders by the first To's display name (or its address when it
-- has none), kept at delivery like display_from. Mail stored before this migration has NULL and
-- sorts by the To address.
ALTER TABLE message ADD COLUMN display_to TEXT;
