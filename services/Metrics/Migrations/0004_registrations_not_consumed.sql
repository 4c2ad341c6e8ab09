-- Metrics no longer consumes DatasetRegistered: no indicator read the registration time (every figure counts certified
-- datasets, and a certification carries the dataset's facts), while each registration cost a queue delivery, an inbox
-- row and an upsert. A dataset's row now starts with its first certification, update or retirement event.
alter table datasets drop column if exists registered_at;
