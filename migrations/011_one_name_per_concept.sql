-- One name per concept (docs/architecture.md, "Names"): a run config's `algorithm` group becomes `algorithmSettings`
-- (a run's `algorithm` is its id), and `model.preset` becomes `model.size` (presets are experiments'). Stored runs'
-- configs and experiments' diffs are renamed in place; a row whose `algorithm` is not a group (an import's id) is left.
UPDATE runs
SET config = json_set(json_remove(config, '$.algorithm'), '$.algorithmSettings', json(json_extract(config, '$.algorithm')))
WHERE json_type(config, '$.algorithm') = 'object';
UPDATE runs
SET config = json_set(json_remove(config, '$.model.preset'), '$.model.size', json_extract(config, '$.model.preset'))
WHERE json_type(config, '$.model.preset') = 'text';
UPDATE experiments
SET config = json_set(
  json_remove(config, '$.diff.algorithm'), '$.diff.algorithmSettings', json(json_extract(config, '$.diff.algorithm'))
)
WHERE json_type(config, '$.diff.algorithm') = 'object';
UPDATE experiments
SET config = json_set(json_remove(config, '$.diff.model.preset'), '$.diff.model.size', json_extract(config, '$.diff.model.preset'))
WHERE json_type(config, '$.diff.model.preset') = 'text';
