-- Per-item verdicts behind every evaluation, so any number in a table can be audited: what the model answered, the
-- final answer the grader read from it, the gold answers, the score and the verdict with its reason. `sample` numbers
-- the samples of one item (Pass@k evaluations draw several); outside predictions have sample 0.
CREATE TABLE evaluation_items (
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step       INTEGER NOT NULL,
  benchmark  TEXT    NOT NULL,
  item_index INTEGER NOT NULL,
  sample     INTEGER NOT NULL DEFAULT 0,
  prediction TEXT,
  extracted  TEXT,
  gold       TEXT    NOT NULL CHECK (json_valid(gold)),
  score      REAL    NOT NULL,
  verdict    TEXT    NOT NULL CHECK (verdict IN ('correct', 'partial', 'wrong', 'missing')),
  reason     TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, step, benchmark, item_index, sample)
) WITHOUT ROWID;
