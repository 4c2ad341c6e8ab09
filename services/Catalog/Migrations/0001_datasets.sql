create extension if not exists pg_trgm;

-- Reference data: the seven national data-annotation bases (FACTS.md H8). Codes are stable API values.
create table annotation_bases (
    code text primary key,
    city_zh text not null,
    city_en text not null,
    province text not null,
    province_zh text not null,
    province_en text not null,
    sort_order int not null
);
insert into annotation_bases (code, city_zh, city_en, province, province_zh, province_en, sort_order) values
    ('chengdu',  '成都', 'Chengdu',  'sichuan',  '四川', 'Sichuan',  1),
    ('shenyang', '沈阳', 'Shenyang', 'liaoning', '辽宁', 'Liaoning', 2),
    ('hefei',    '合肥', 'Hefei',    'anhui',    '安徽', 'Anhui',    3),
    ('changsha', '长沙', 'Changsha', 'hunan',    '湖南', 'Hunan',    4),
    ('haikou',   '海口', 'Haikou',   'hainan',   '海南', 'Hainan',   5),
    ('baoding',  '保定', 'Baoding',  'hebei',    '河北', 'Hebei',    6),
    ('datong',   '大同', 'Datong',   'shanxi',   '山西', 'Shanxi',   7);

create table datasets (
    -- UUIDv7: time-ordered, so "order by id desc" is newest first and serves keyset paging.
    id uuid primary key,
    name text not null,
    name_en text not null default '',
    description_zh text not null default '',
    description_en text not null default '',
    domain smallint not null,
    modality smallint not null,
    volume_bytes bigint not null check (volume_bytes > 0),
    record_count bigint not null default 0 check (record_count >= 0),
    token_count bigint not null default 0 check (token_count >= 0),
    -- [{"code":"zh","bp":8000},...]; zh_share_bp is derived from it for the "zh share >= X" filter.
    language_shares jsonb not null default '[]',
    zh_share_bp int not null default 0,
    annotation_base_code text null references annotation_bases (code),
    annotation_method smallint not null default 0,
    annotated_fraction_bp int not null default 0,
    quality_grade smallint not null default 0,
    licence smallint not null default 0,
    access_level smallint not null default 0,
    provider_organisation text not null default '',
    province text not null default '',
    keywords text[] not null default '{}',
    edition text not null default '',
    -- Lower-cased name, name_en, descriptions and keywords, for substring search (pg_trgm GIN index).
    search_text text not null,
    status smallint not null,
    version bigint not null default 1,
    certificate_number text null unique,
    certified_at timestamptz null,
    notice_started_at timestamptz null,
    notice_ends_at timestamptz null,
    open_objection_count int not null default 0,
    retired_at timestamptz null,
    rejection_reason text not null default '',
    created_at timestamptz not null,
    updated_at timestamptz not null
);
create index datasets_search_text_trgm on datasets using gin (search_text gin_trgm_ops);
create index datasets_status on datasets (status, id);
create index datasets_domain on datasets (domain, id);
create index datasets_annotation_base on datasets (annotation_base_code, id) where annotation_base_code is not null;
create index datasets_province on datasets (province, id);

create table objections (
    id uuid primary key,
    dataset_id uuid not null references datasets (id),
    objector text not null,
    reason text not null,
    state smallint not null,
    raised_at timestamptz not null,
    resolved_at timestamptz null
);
create index objections_dataset on objections (dataset_id) where state = 1;

-- Certificate numbers HQ-<year>-<sequence>: one counter per year.
create table certificate_sequences (
    year int primary key,
    last_value int not null
);

-- Results of idempotent writes by client request id: a retry gets the stored response back.
create table idempotent_requests (
    request_id text primary key,
    operation text not null,
    dataset_id uuid null,
    response bytea null,
    created_at timestamptz not null
);
