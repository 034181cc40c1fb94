-- An experiment keeps only its plan: preset, algorithms, benchmarks, seeds and the user's diff over the preset. The
-- resolved config of a run lives on its row (runs.config) and nowhere else (docs/architecture.md). Experiments made
-- before kept the resolved config under `run` as well: it becomes their diff (laid over the preset, it gives the
-- same config back).
UPDATE experiments
SET config = json_set(json_remove(config, '$.run'), '$.diff', json(json_extract(config, '$.run')))
WHERE json_valid(config) AND json_type(config, '$.run') = 'object';
