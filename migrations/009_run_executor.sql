-- Where each run executes, chosen once and kept on its row: 'local' (this machine's scheduler and worker threads) or
-- 'ray' (a verl job on a Ray cluster). A run becomes 'ray' when its cluster job is recorded and never goes back; the
-- lab's run control reads this column and nothing else to choose the executor (docs/architecture.md).
ALTER TABLE runs ADD COLUMN executor TEXT NOT NULL DEFAULT 'local' CHECK (executor IN ('local', 'ray'));
UPDATE runs SET executor = 'ray' WHERE id IN (SELECT run_id FROM cluster_jobs);
CREATE TRIGGER cluster_job_makes_run_remote AFTER INSERT ON cluster_jobs
BEGIN
  UPDATE runs SET executor = 'ray' WHERE id = NEW.run_id;
END;
