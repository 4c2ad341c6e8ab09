-- Datasets catalog has retired. A listing checks this in its own transaction (under the same per-dataset lock the
-- retirement consumer takes), so a listing racing a retirement is either refused or delisted, never left active.
create table retired_datasets (
    dataset_id uuid primary key,
    retired_at timestamptz not null
);
