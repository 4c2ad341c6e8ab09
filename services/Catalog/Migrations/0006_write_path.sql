-- Request ids and first answers now live in write_requests (Platform.Infrastructure migration 0000_0004), scoped per
-- caller and method and fingerprinted; the catalog's own table is gone.
drop table idempotent_requests;
