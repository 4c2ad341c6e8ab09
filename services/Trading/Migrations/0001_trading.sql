-- Data exchanges: reference data, seeded below; more can be added through CreateExchange.
create table exchanges (
    code text primary key,
    request_id text null unique,
    name text not null,
    local_name text not null default '',
    province text not null,
    equity_pilot boolean not null default false,
    created_at timestamptz not null default now()
);

insert into exchanges (code, name, local_name, province, equity_pilot) values
    ('BJ', 'Beijing International Big Data Exchange', '北京国际大数据交易所', 'Beijing', false),
    ('SH', 'Shanghai Data Exchange', '上海数据交易所', 'Shanghai', true),
    ('SZ', 'Shenzhen Data Exchange', '深圳数据交易所', 'Guangdong', false),
    ('GY', 'Guiyang Global Big Data Exchange', '贵阳大数据交易所', 'Guizhou', false),
    ('TJ', 'Tianjin Data Exchange', '', 'Tianjin', true),
    ('AH', 'Anhui Data Exchange (Hefei)', '', 'Anhui', true);

-- Listings (挂牌). product_kind is a ProductKinds constant; prices are fen.
create table listings (
    id uuid primary key,
    request_id text null unique,
    exchange_code text not null references exchanges (code),
    product_kind text not null check (product_kind in ('high_quality_dataset', 'other')),
    dataset_id uuid null,
    name text not null,
    listed_volume_bytes bigint not null check (listed_volume_bytes > 0),
    -- pricing_model 0 with price 0: no listed price, negotiated per trade (议价).
    pricing_model smallint not null,
    price_fen bigint not null check (price_fen >= 0),
    status smallint not null,
    listed_at timestamptz not null,
    delisted_at timestamptz null,
    delist_reason text null,
    created_at timestamptz not null,
    check (product_kind <> 'high_quality_dataset' or dataset_id is not null),
    check ((pricing_model = 0) = (price_fen = 0))
);
-- A dataset is listed at most once at a time on each exchange.
create unique index listings_active_dataset on listings (exchange_code, dataset_id) where status = 1 and dataset_id is not null;
create index listings_dataset on listings (dataset_id) where dataset_id is not null;
create index listings_page on listings (listed_at, id);

-- Trades; amounts are fen. product_kind and dataset_id are copied from the listing when placed.
create table trades (
    id uuid primary key,
    request_id text null unique,
    listing_id uuid not null references listings (id),
    exchange_code text not null references exchanges (code),
    trade_type text not null,
    status smallint not null,
    product_kind text not null,
    dataset_id uuid null,
    amount_fen bigint not null check (amount_fen > 0),
    buyer text not null default '',
    receiving_company text null,
    equity_share_bps int null check (equity_share_bps between 1 and 10000),
    placed_at timestamptz not null,
    paid_at timestamptz null,
    delivered_at timestamptz null,
    settled_at timestamptz null,
    cancelled_at timestamptz null,
    cancel_reason text null,
    created_at timestamptz not null
);
create index trades_page on trades (placed_at, id);
create index trades_settled on trades (exchange_code, settled_at) where status = 4;

-- Request ids of lifecycle steps already applied, so a retried step returns the current trade.
create table trade_requests (
    request_id text primary key,
    trade_id uuid not null references trades (id),
    operation text not null,
    created_at timestamptz not null default now()
);
