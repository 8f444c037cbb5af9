-- Sort keys become i;unicode-casemap keys (RFC 5051: title case, then NFKD; Collation.key), so the
-- store sorts them as binary text exactly as SortKey.order does in memory (RFC 5256 §7). They were
-- lower-cased and sorted with upper(), which folds ASCII only. casemap() is registered by the dialect.
UPDATE message SET base_subject = casemap(base_subject), sort_from = casemap(sort_from),
    sort_to = casemap(sort_to), sort_cc = casemap(sort_cc),
    display_from = casemap(display_from), display_to = casemap(display_to);
