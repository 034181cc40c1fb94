-- Which process is running a run (its pid), so another process can tell a live run from one a crash left
-- "running"; and a pause or cancel asked for by another process (the CLI, a second window), which the owner
-- polls for and carries out at its next step.
ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE runs ADD COLUMN control TEXT CHECK (control IN ('pause', 'cancel'));
