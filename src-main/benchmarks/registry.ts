/**
 * The 14 benchmarks of the AEPO paper plus SimpleQA (docs/algorithms.md and the README's benchmark table): what each measures, how it is scored, which
 * tools the agent gets, and which file format its loader reads.
 */
import type { ToolName } from '../tools/types';
import type { MathGraderOptions } from './grading/math-grader';

export type Domain = 'math' | 'knowledge' | 'deep_search';
/** math_equivalence: boxed-answer equivalence; f1: SQuAD token F1 over aliases; llm_judge: an LLM compares (F1 when no judge is set). */
export type MetricId = 'math_equivalence' | 'f1' | 'llm_judge';
/** What a gold answer looks like. */
export type AnswerType = 'integer' | 'math_expression' | 'number' | 'short_text' | 'open_text';
export type FormatId =
  'aime24' | 'aime25' | 'math500' | 'gsm8k' | 'math' | 'qa_aliases' | 'qa_text' | 'gaia' | 'hle' | 'frames';

export interface BenchmarkInfo {
  id: string;
  name: string;
  domain: Domain;
  answerType: AnswerType;
  metric: MetricId;
  tools: ToolName[];
  format: FormatId;
  citation: string;
  /**
   * How the math grader reads this benchmark's answers, where it differs from the defaults (docs/grading.md): e.g.
   * `percentAsFraction` for a benchmark whose answers may be given either way.
   */
  grading?: Partial<MathGraderOptions>;
}

const MATH_TOOLS: ToolName[] = ['python'];
const QA_TOOLS: ToolName[] = ['search', 'python'];
const WEB_TOOLS: ToolName[] = ['search', 'browse', 'python'];

export const BENCHMARKS = [
  {
    id: 'aime24',
    answerType: 'integer',
    name: 'AIME 2024',
    domain: 'math',
    metric: 'math_equivalence',
    tools: MATH_TOOLS,
    format: 'aime24',
    citation: 'MAA American Invitational Mathematics Examination 2024',
  },
  {
    id: 'aime25',
    answerType: 'integer',
    name: 'AIME 2025',
    domain: 'math',
    metric: 'math_equivalence',
    tools: MATH_TOOLS,
    format: 'aime25',
    citation: 'MAA American Invitational Mathematics Examination 2025',
  },
  {
    id: 'math500',
    answerType: 'math_expression',
    name: 'MATH500',
    domain: 'math',
    metric: 'math_equivalence',
    tools: MATH_TOOLS,
    format: 'math500',
    citation: "Lightman et al., Let's Verify Step by Step (2023), subset of Hendrycks et al. MATH",
  },
  {
    id: 'gsm8k',
    answerType: 'number',
    name: 'GSM8K',
    domain: 'math',
    metric: 'math_equivalence',
    tools: MATH_TOOLS,
    format: 'gsm8k',
    citation: 'Cobbe et al., Training Verifiers to Solve Math Word Problems (2021)',
  },
  {
    id: 'math',
    answerType: 'math_expression',
    name: 'MATH',
    domain: 'math',
    metric: 'math_equivalence',
    tools: MATH_TOOLS,
    format: 'math',
    citation: 'Hendrycks et al., Measuring Mathematical Problem Solving With the MATH Dataset (2021)',
  },
  {
    id: 'hotpotqa',
    answerType: 'short_text',
    name: 'HotpotQA',
    domain: 'knowledge',
    metric: 'f1',
    tools: QA_TOOLS,
    format: 'qa_aliases',
    citation: 'Yang et al., HotpotQA (2018)',
  },
  {
    id: '2wiki',
    answerType: 'short_text',
    name: '2WikiMultihopQA',
    domain: 'knowledge',
    metric: 'f1',
    tools: QA_TOOLS,
    format: 'qa_aliases',
    citation: 'Ho et al., Constructing A Multi-hop QA Dataset (2020)',
  },
  {
    id: 'musique',
    answerType: 'short_text',
    name: 'MuSiQue',
    domain: 'knowledge',
    metric: 'f1',
    tools: QA_TOOLS,
    format: 'qa_aliases',
    citation: 'Trivedi et al., MuSiQue (2022)',
  },
  {
    id: 'bamboogle',
    answerType: 'short_text',
    name: 'Bamboogle',
    domain: 'knowledge',
    metric: 'f1',
    tools: QA_TOOLS,
    format: 'qa_aliases',
    citation: 'Press et al., Measuring and Narrowing the Compositionality Gap (2023)',
  },
  {
    id: 'gaia',
    answerType: 'short_text',
    name: 'GAIA',
    domain: 'deep_search',
    metric: 'llm_judge',
    tools: WEB_TOOLS,
    format: 'gaia',
    citation: 'Mialon et al., GAIA: a benchmark for General AI Assistants (2023)',
  },
  {
    id: 'hle',
    answerType: 'open_text',
    name: "Humanity's Last Exam",
    domain: 'deep_search',
    metric: 'llm_judge',
    tools: WEB_TOOLS,
    format: 'hle',
    citation: "Phan et al., Humanity's Last Exam (2025)",
  },
  {
    id: 'webwalker',
    answerType: 'open_text',
    name: 'WebWalkerQA',
    domain: 'deep_search',
    metric: 'llm_judge',
    tools: WEB_TOOLS,
    format: 'qa_text',
    citation: 'Wu et al., WebWalker (2025)',
  },
  {
    id: 'xbench',
    answerType: 'short_text',
    name: 'xbench-DeepSearch',
    domain: 'deep_search',
    metric: 'llm_judge',
    tools: WEB_TOOLS,
    format: 'qa_aliases',
    citation: 'Chen et al., xbench (2025)',
  },
  {
    id: 'frames',
    answerType: 'short_text',
    name: 'FRAMES',
    domain: 'deep_search',
    metric: 'llm_judge',
    tools: WEB_TOOLS,
    format: 'frames',
    citation: 'Krishna et al., Fact, Fetch, and Reason (2024)',
  },
  {
    id: 'simpleqa',
    answerType: 'short_text',
    name: 'SimpleQA',
    domain: 'deep_search',
    metric: 'llm_judge',
    tools: WEB_TOOLS,
    format: 'qa_aliases',
    citation: 'Wei et al., Measuring short-form factuality (2024)',
  },
] as const satisfies readonly BenchmarkInfo[];

export type BenchmarkId = (typeof BENCHMARKS)[number]['id'];

export function benchmark(id: string): BenchmarkInfo {
  const found = BENCHMARKS.find((b) => b.id === id);
  if (!found) throw new Error(`unknown benchmark "${id}"; known: ${BENCHMARKS.map((b) => b.id).join(', ')}`);
  return found;
}
