-- Retention deletes request ids of lifecycle steps by age (Platform.Infrastructure.Retention).
create index trade_requests_created_at on trade_requests (created_at);
