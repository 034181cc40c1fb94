/**
 * A small seeded corpus in the agent's format (thinking, tool calls, tool results, answers) used to learn the
 * tokenizer's merges before any benchmark suite is loaded. All text is generated here; none is copied from a dataset.
 */
import { Rng } from './rng';

const SUBJECTS = [
  'the river',
  'a museum',
  'the old bridge',
  'this city',
  'the orchestra',
  'a small island',
  'the first mayor',
  'the library',
  'a mountain pass',
  'the company',
];
const RELATIONS = [
  'was founded in',
  'is located in',
  'was designed by',
  'is named after',
  'was opened by',
  'belongs to',
];
const NAMES = [
  'Alder Vale',
  'Brenmoor',
  'Corvin Hale',
  'Dunsreach',
  'Elmira Stone',
  'Fenwick',
  'Galloway Reach',
  'Halden',
  'Isolde Marr',
  'Jorvik Plain',
];
const THOUGHTS = [
  'I need to find out',
  'Let me check',
  'First I should look up',
  'The question asks',
  'I will compute',
  'Now I know',
];

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng.next() * items.length)]!;

function mathSample(rng: Rng): string {
  const a = Math.floor(rng.next() * 900) + 10;
  const b = Math.floor(rng.next() * 90) + 2;
  const op = pick(rng, ['+', '-', '*'] as const);
  const value = op === '+' ? a + b : op === '-' ? a - b : a * b;
  return (
    `Question: What is ${a} ${op} ${b}?\n<think>${pick(rng, THOUGHTS)} ${a} ${op} ${b} with python.</think>` +
    `<python>print(${a} ${op} ${b})</python><result>${value}</result><answer>${value}</answer><eos>`
  );
}

function searchSample(rng: Rng): string {
  const subject = pick(rng, SUBJECTS);
  const relation = pick(rng, RELATIONS);
  const name = pick(rng, NAMES);
  return (
    `Question: Which place or person is ${subject} linked to?\n<think>${pick(rng, THOUGHTS)} what ${subject} ${relation}.</think>` +
    `<search>${subject} ${relation}</search><result>Page 1: ${subject} ${relation} ${name}.</result>` +
    `<think>The result says ${name}.</think><answer>${name}</answer><eos>`
  );
}

/** `count` samples, half arithmetic with python and half look-ups with search. */
export function* agentCorpus(count: number, seed = 0): Generator<string> {
  const rng = new Rng(seed);
  for (let i = 0; i < count; i++) yield i % 2 === 0 ? mathSample(rng) : searchSample(rng);
}
