create table listings (
    id uuid primary key,
    request_id text null unique,
    exchange_code text not null,
    dataset_id uuid not null,
    listed_volume_bytes bigint not null check (listed_volume_bytes > 0),
    created_at timestamptz not null
);
