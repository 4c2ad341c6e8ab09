create table datasets (
    id uuid primary key,
    request_id text null unique,
    name text not null,
    volume_bytes bigint not null check (volume_bytes > 0),
    status smallint not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
