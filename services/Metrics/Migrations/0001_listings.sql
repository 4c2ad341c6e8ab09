-- Listings as reported by trading's events: the records H4 is computed from.
create table listings (
    listing_id uuid primary key,
    product_kind text not null,
    dataset_id uuid null,
    exchange_code text not null,
    listed_volume_bytes bigint not null,
    listed_at timestamptz not null
);
