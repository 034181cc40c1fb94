-- A run's log lines (resumed, warnings, evaluation results), so its page shows them after the fact too.
CREATE TABLE run_logs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  at     INTEGER NOT NULL,
  line   TEXT    NOT NULL
);
CREATE INDEX run_logs_by_run ON run_logs (run_id, at);
