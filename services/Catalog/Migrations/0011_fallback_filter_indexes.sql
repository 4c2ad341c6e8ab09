-- The status, domain and province indexes served only the SQL fallback's filtered listing
-- (Catalog:Search:InMemoryIndex=false); with the in-memory index on, no query reads them, yet every dataset row version
-- (registration, submission, certification, an evaluation's summary: no dataset update is HOT, changed_xid being
-- indexed) paid three index entries for them. As with the trigram index (0010), the fallback now filters by a scan
-- (still correct). The annotation base index stays: ListAnnotationBases joins on it.
drop index if exists datasets_status;
drop index if exists datasets_domain;
drop index if exists datasets_province;
