-- Certificate numbers come from a sequence: the per-year counter row serialised every certification behind one
-- row lock held until commit (about 130 certifications/s here). Sequence values are unique and never reused; a
-- rolled-back certification leaves a gap in the numbers, which is harmless.
create sequence certificate_serial;
select setval('certificate_serial', coalesce((select max(last_value) from certificate_sequences), 0) + 1, false);
drop table certificate_sequences;
