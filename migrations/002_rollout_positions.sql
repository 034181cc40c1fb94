-- Each rollout row gets its place within its step, so (run, step, position) is a unique key: a run resumed from a
-- checkpoint replaces the rows of the steps it redoes instead of adding a second copy.
ALTER TABLE rollouts ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE rollouts SET position = (
  SELECT count(*) FROM rollouts AS earlier
  WHERE earlier.run_id = rollouts.run_id AND earlier.step = rollouts.step AND earlier.id < rollouts.id
);
CREATE UNIQUE INDEX rollouts_unique_position ON rollouts (run_id, step, position);
