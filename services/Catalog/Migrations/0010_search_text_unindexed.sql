-- Keyword search is answered by each replica's in-memory index (Search/SearchIndex), not by PostgreSQL. The trigram
-- GIN index on search_text served only the SQL fallback (Catalog:Search:InMemoryIndex=false), yet every write paid for
-- it: each dataset row version (registration, submission, certification: changed_xid is indexed, so no update is HOT)
-- added a hundred-odd trigram entries. Measured on a fresh x1 load: PostgreSQL 18 -> 12 CPU seconds over the three
-- dataset passes, 38 MB less index. The fallback now filters search_text with a scan (still correct).
drop index if exists datasets_search_text_trgm;

-- What the SQL path still serves with the in-memory index on: a provider listing its own datasets, newest first.
create index if not exists datasets_provider on datasets (provider_organisation, id);
