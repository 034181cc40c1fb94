-- Ray clusters the user sends experiments to (their tokens live in the secrets file, never here), and the Ray job
-- behind each run that runs on one: the run's status mirrors the job's.
CREATE TABLE clusters (
  name       TEXT    PRIMARY KEY,
  address    TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE cluster_jobs (
  run_id        INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  cluster       TEXT    NOT NULL REFERENCES clusters(name),
  submission_id TEXT    NOT NULL UNIQUE,
  -- SUBMITTING: recorded before the request goes out, so a crash between the two is retried under the same id.
  ray_status    TEXT    NOT NULL DEFAULT 'SUBMITTING'
                CHECK (ray_status IN ('SUBMITTING', 'PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED')),
  message       TEXT    NOT NULL DEFAULT '',
  -- How much of the job's log has been read (characters), and the last verl step whose metrics were imported.
  log_chars     INTEGER NOT NULL DEFAULT 0,
  metrics_step  INTEGER NOT NULL DEFAULT -1,
  request       TEXT    NOT NULL,
  submitted_at  INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX cluster_jobs_by_status ON cluster_jobs (ray_status);
