-- Retention deletes request ids by age (Platform.Infrastructure.Retention).
create index idempotent_requests_created_at on idempotent_requests (created_at);
