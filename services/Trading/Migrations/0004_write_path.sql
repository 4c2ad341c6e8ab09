-- Request ids and first answers now live in write_requests (Platform.Infrastructure migration 0000_0004), scoped per
-- caller and method and fingerprinted: the four mechanisms trading had of its own are gone.
drop table trade_requests;
alter table exchanges drop column request_id;
alter table listings drop column request_id;
alter table trades drop column request_id;
