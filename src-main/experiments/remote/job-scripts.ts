/**
 * The two Python files a cluster job carries in its working directory (docs/clusters.md):
 * - relay.py turns the benchmark's JSONL into verl's parquet, starts verl with its file logger on, and copies each
 *   line verl logs into the job's own log behind a marker, so the app gets metrics through the Ray Jobs API alone
 *   (no shared storage needed) and imports them with the verl importer while the job runs;
 * - reward.py is AEPO Lab's reward (rl/rewards.ts: −1 for a format violation, else token F1 plus 0.1 when both tools
 *   were used) as verl's `custom_reward_function`, so remote and local runs are scored alike.
 */

/** Lines of the job log that carry one verl file-logger record: `AEPO_LAB_METRICS {"step": N, "data": {...}}`. */
export const METRICS_MARKER = 'AEPO_LAB_METRICS ';

export const RELAY_PY = `"""AEPO Lab job relay: data to parquet, verl with its file logger, metrics into the job log."""
import json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = ${JSON.stringify(METRICS_MARKER)}


def to_parquet(split):
    import pandas as pd  # verl's environment has pandas and pyarrow
    rows = []
    with open(os.path.join(HERE, "data", split + ".jsonl"), encoding="utf-8") as f:
        for index, line in enumerate(f):
            item = json.loads(line)
            rows.append({
                "data_source": item["benchmark"],
                "prompt": [{"role": "user", "content": item["question"]}],
                "ability": "agentic",
                "reward_model": {"style": "rule", "ground_truth": json.dumps(item["answers"])},
                "extra_info": {"split": split, "index": index},
            })
    pd.DataFrame(rows).to_parquet(os.path.join(HERE, "data", split + ".parquet"))


def relay(path, offset):
    if not os.path.exists(path):
        return offset
    with open(path, encoding="utf-8") as f:
        f.seek(offset)
        while True:
            line = f.readline()
            if not line.endswith("\\n"):
                return offset  # a line verl is still writing: read it next time
            offset += len(line.encode("utf-8"))
            print(MARKER + line.strip(), flush=True)


def main(argv):
    if "--" not in argv:
        sys.exit("usage: relay.py [--skip-data] -- COMMAND...")
    command = argv[argv.index("--") + 1:]
    if "--skip-data" not in argv[:argv.index("--")]:
        to_parquet("train")
        to_parquet("test")
    log = os.path.join(HERE, "metrics.jsonl")
    env = dict(os.environ, VERL_FILE_LOGGER_PATH=log)
    child = subprocess.Popen(command, env=env)
    offset = 0
    while child.poll() is None:
        offset = relay(log, offset)
        time.sleep(1)
    relay(log, offset)
    sys.exit(child.returncode)


if __name__ == "__main__":
    main(sys.argv[1:])
`;

export const REWARD_PY = `"""AEPO Lab's reward as a verl custom reward function (the same as rl/rewards.ts in the app)."""
import json, re, string

ARTICLES = re.compile(r"\\b(a|an|the)\\b")


def normalize(text):
    text = "".join(ch for ch in text.lower() if ch not in string.punctuation)
    return " ".join(ARTICLES.sub(" ", text).split())


def token_f1(prediction, golds):
    predicted = normalize(prediction)
    best = 0.0
    for gold in golds:
        truth = normalize(gold)
        if predicted != truth and (predicted in ("yes", "no", "noanswer") or truth in ("yes", "no", "noanswer")):
            continue
        p, g = predicted.split(), truth.split()
        common = sum(min(p.count(w), g.count(w)) for w in set(p))
        if common:
            precision, recall = common / len(p), common / len(g)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def last_boxed(text):
    start = text.rfind("\\\\boxed{")
    if start < 0:
        return None
    depth, i = 1, start + len("\\\\boxed{")
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i:j]
    return None


def format_is_valid(response):
    count = response.count
    if count("<think>") < 1 or count("<think>") != count("</think>"):
        return False
    if count("<answer>") != 1 or count("</answer>") != 1:
        return False
    answer = re.search(r"<answer>([\\s\\S]*)</answer>", response)
    if answer is None or last_boxed(answer.group(1)) is None:
        return False
    for tool in ("search", "python"):
        for rest in response.split("<" + tool + ">")[1:]:
            close = rest.find("</" + tool + ">")
            if close < 0 or not re.match(r"\\s*<result>[\\s\\S]*?</result>", rest[close + len(tool) + 3:]):
                return False
    return True


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    # "acc" (an exact match) becomes verl's val-core/<benchmark>/acc metrics: the run's Pass@1 and Pass@k.
    if not format_is_valid(solution_str):
        return {"score": -1.0, "acc": 0.0}
    answer = re.search(r"<answer>([\\s\\S]*)</answer>", solution_str).group(1)
    f1 = token_f1(last_boxed(answer), json.loads(ground_truth))
    both_tools = "</search>" in solution_str and "</python>" in solution_str
    return {"score": f1 + 0.1 if f1 > 0 and both_tools else f1, "acc": 1.0 if f1 == 1.0 else 0.0}
`;
