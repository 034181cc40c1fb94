-- When a run continued from a checkpoint: the step it resumed after, so charts can mark the boundary.
CREATE TABLE run_resumes (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  from_step  INTEGER NOT NULL,
  resumed_at INTEGER NOT NULL
);
CREATE INDEX run_resumes_by_run ON run_resumes (run_id);
