-- History entries and outbox payloads are written once and read back whole (ListHistory, the relay); nothing queries
-- inside them on a hot path. jsonb parsed every value into its binary form on insert: for a registration batch of 200,
-- 1.6 ms of the write's 7.7 ms in the database went into parsing the history entries alone. json only checks the text.
alter table record_history alter column changes type json using changes::json;
alter table outbox_messages alter column payload type json using payload::json;
