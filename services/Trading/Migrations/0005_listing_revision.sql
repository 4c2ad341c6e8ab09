-- The catalog revision a high-quality dataset listing sells (the dataset's certified revision when it was listed);
-- null for other products and for listings made before revisions.
alter table listings add column dataset_revision int null;
