-- What a certified dataset did for a model (RecordEvaluation): one metric's score without and with the dataset.
-- uplift_bp is the relative uplift in basis points, positive when the dataset made the model better.
-- seq is the order of recording (lists page by it; two UUIDv7 ids of one millisecond are not ordered).
create table evaluations (
    seq bigint generated always as identity,
    id uuid primary key,
    dataset_id uuid not null references datasets (id),
    model text not null,
    task text not null,
    metric smallint not null,
    score_without double precision not null,
    score_with double precision not null,
    uplift_bp int not null,
    test_set text not null,
    evaluator text not null,
    evaluated_at timestamptz not null,
    method_note text not null,
    recorded_at timestamptz not null
);
create index evaluations_dataset on evaluations (dataset_id, seq);
create index evaluations_model on evaluations (model, seq);

-- A dataset's evaluation summary (Dataset.evaluations), kept in the evaluation's transaction; not a change of the
-- dataset itself, so its version stays.
alter table datasets
    add column evaluation_count int not null default 0,
    add column evaluation_best_uplift_bp int null,
    add column evaluation_median_uplift_bp int null;
