-- Evaluations of certified datasets from catalog's EvaluationRecorded events (H9), keyed by the evaluation id, so a
-- redelivered event changes nothing. Domain, modality and annotated are the dataset's when it was evaluated.
create table evaluations (
    evaluation_id uuid primary key,
    dataset_id uuid not null,
    domain text not null,
    modality text not null,
    annotated boolean not null,
    metric text not null,
    uplift_bp int not null,
    evaluated_at timestamptz not null
);
create index evaluations_group on evaluations (domain, modality, annotated, dataset_id);
