/**
 * Evaluating an external model (any OpenAI-compatible chat endpoint) on imported benchmark items with the same tools
 * and the same prompt format as training: the model writes until a closing tool tag, the tool runs, its result is
 * appended inside <result>, and the model continues its own message, until it answers or runs out of turns.
 */
import type { ToolName, ToolSet } from '../tools/types';
import { chat, type ChatEndpoint } from './chat-client';
import { lastBoxed } from './metrics';
import type { BenchmarkInfo } from './registry';
import { itemVerdict, metricLabel, scoreReport, type GoldItem, type ItemVerdict, type ScoreReport } from './score';

/** The instructions of the agent format (our wording of the authors' system prompt). */
export const AGENT_SYSTEM_PROMPT =
  'Solve the question step by step. Think inside <think>...</think>. To search the web write <search>query</search>; ' +
  'to run Python write <python>code</python> (each block runs alone in a fresh interpreter, like python -c: nothing ' +
  'from an earlier block is kept, so print what you need); to read a page write <browse>url goal</browse>. Each ' +
  'result comes back inside <result>...</result>. Give the final answer as <answer>... \\boxed{ANSWER}</answer>.';

const CLOSING: Record<string, ToolName> = { '</search>': 'search', '</python>': 'python', '</browse>': 'browse' };

export interface EvaluationItem extends GoldItem {
  question: string;
}

export interface EvaluationOptions {
  /** Instructions sent as the system message; null sends none (a policy trained without one). */
  systemPrompt?: string | null;
  maxTurns?: number;
  maxTokens?: number;
  temperature?: number;
  onItem?: (done: number, total: number) => void;
}

export interface EvaluationResult extends ScoreReport {
  toolCalls: number;
  transcripts: { index: number; transcript: string; prediction: string; score: number }[];
}

async function solve(endpoint: ChatEndpoint, tools: ToolSet, question: string, options: EvaluationOptions) {
  let transcript = '';
  let toolCalls = 0;
  for (let turn = 0; turn < (options.maxTurns ?? 6); turn++) {
    const completion = await chat(
      endpoint,
      [
        ...(options.systemPrompt === null
          ? []
          : [{ role: 'system' as const, content: options.systemPrompt ?? AGENT_SYSTEM_PROMPT }]),
        { role: 'user', content: question },
        ...(transcript ? [{ role: 'assistant' as const, content: transcript }] : []),
      ],
      {
        stop: Object.keys(CLOSING),
        maxTokens: options.maxTokens ?? 512,
        temperature: options.temperature ?? 0,
        continueFinal: transcript !== '',
      },
    );
    transcript += completion.content;
    const closing = completion.stoppedBy ?? Object.keys(CLOSING).find((tag) => completion.content.endsWith(tag));
    if (!closing || !CLOSING[closing]) break;
    const tool = CLOSING[closing]!;
    if (!transcript.endsWith(closing)) transcript += closing;
    const opening = transcript.lastIndexOf(`<${tool}>`);
    const input = opening < 0 ? '' : transcript.slice(opening + tool.length + 2, -closing.length).trim();
    const result = input ? await tools.call(tool, input) : { output: 'Error: empty tool call' };
    toolCalls++;
    transcript += ` <result>\n${result.output}\n</result>`;
  }
  const answer = /<answer>([\s\S]*?)<\/answer>/.exec(transcript)?.[1] ?? transcript;
  // The boxed answer if any; else the whole answer, from which the math grader extracts the final one itself.
  return { transcript, prediction: lastBoxed(answer) ?? answer.trim(), toolCalls };
}

export async function evaluateEndpoint(
  endpoint: ChatEndpoint,
  info: BenchmarkInfo,
  items: EvaluationItem[],
  tools: ToolSet,
  options: EvaluationOptions = {},
): Promise<EvaluationResult> {
  const transcripts: EvaluationResult['transcripts'] = [];
  const verdicts: ItemVerdict[] = [];
  let toolCalls = 0;
  for (const [i, item] of items.entries()) {
    const solved = await solve(endpoint, tools, item.question, options);
    toolCalls += solved.toolCalls;
    const verdict = itemVerdict(info, item.index, solved.prediction, item.answers);
    verdicts.push(verdict);
    transcripts.push({
      index: item.index,
      transcript: solved.transcript,
      prediction: solved.prediction,
      score: verdict.score,
    });
    options.onItem?.(i + 1, items.length);
  }
  return {
    ...scoreReport(info, items, verdicts, metricLabel(info)),
    toolCalls,
    transcripts,
  };
}
