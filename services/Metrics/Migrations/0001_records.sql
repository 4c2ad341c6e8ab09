-- The records the indicators are computed from. Events may arrive out of order and be redelivered, so every
-- table is keyed by the aggregate id and holds its latest known state; figures are computed from these rows.

-- Datasets from the catalog's events. A dataset is high-quality when it has been certified and not retired
-- since its latest certification (certified_at > retired_at), whatever order the events arrived in.
create table datasets (
    dataset_id uuid primary key,
    registered_at timestamptz null,
    certified_at timestamptz null,
    certificate_number text null,
    retired_at timestamptz null,
    status text null,
    -- Timestamp of the event the descriptive facts below come from: only a newer event overwrites them.
    facts_at timestamptz not null,
    name text not null,
    domain text not null,
    modality text not null,
    volume_bytes bigint not null,
    record_count bigint not null,
    token_count bigint not null,
    province text not null,
    provider_organisation text not null,
    annotation_base_code text null
);

-- Listings from trading. A listing is live when created and not delisted; a delisting that arrives first
-- leaves a tombstone (listed_at null, delisted_at set) so the later creation does not revive it.
create table listings (
    listing_id uuid primary key,
    exchange_code text not null,
    product_kind text not null,
    dataset_id uuid null,
    listed_volume_bytes bigint not null,
    listed_at timestamptz null,
    delisted_at timestamptz null,
    delist_reason text null
);

-- Settled trades (every trade type, equity contributions included, arrives as TradeSettled).
create table trades (
    trade_id uuid primary key,
    listing_id uuid not null,
    exchange_code text not null,
    trade_type text not null,
    product_kind text not null,
    dataset_id uuid null,
    amount_fen bigint not null,
    settled_at timestamptz not null
);

-- Details of equity contributions (数据语料作价入股); their amounts count through their TradeSettled.
create table equity_contributions (
    trade_id uuid primary key,
    exchange_code text not null,
    dataset_id uuid null,
    receiving_company text not null,
    valuation_fen bigint not null,
    equity_share_basis_points int not null,
    recorded_at timestamptz not null
);

-- Token-usage reports: one row per provider/model/day; a new report replaces the old one. The key starts with
-- the day so per-day sums (H6) are index range scans. Bulk ingestion is bound by this table: the "C" collation
-- makes key comparisons byte comparisons, and free space in each page lets a replacement be a HOT update
-- (no index change).
create table token_usage (
    day date not null,
    provider text collate "C" not null,
    model text collate "C" not null,
    tokens bigint not null,
    reported_at timestamptz not null,
    primary key (day, provider, model)
) with (fillfactor = 80);

-- Training-corpus reports: the latest (by as_of) per provider/model.
create table training_corpus (
    provider text not null,
    model text not null,
    total_tokens bigint not null,
    chinese_tokens bigint not null,
    as_of timestamptz not null,
    primary key (provider, model)
);

-- Reference data: the seven national data-annotation bases (H8 counts these rows and joins their datasets).
create table annotation_bases (
    code text primary key,
    name text not null,
    city text not null,
    province text not null
);

insert into annotation_bases (code, name, city, province) values
    ('chengdu', '国家数据标注基地（成都）', 'Chengdu', 'Sichuan'),
    ('shenyang', '国家数据标注基地（沈阳）', 'Shenyang', 'Liaoning'),
    ('hefei', '国家数据标注基地（合肥）', 'Hefei', 'Anhui'),
    ('changsha', '国家数据标注基地（长沙）', 'Changsha', 'Hunan'),
    ('haikou', '国家数据标注基地（海口）', 'Haikou', 'Hainan'),
    ('baoding', '国家数据标注基地（保定）', 'Baoding', 'Hebei'),
    ('datong', '国家数据标注基地（大同）', 'Datong', 'Shanxi');
