/** The tool interface the rollout engine calls. The tools issue supplies real sandboxes; tests use toy.ts. */
export const TOOL_NAMES = ['search', 'python', 'browse'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export interface ToolResult {
  ok: boolean;
  /** What the model sees inside <result>…</result> (an error text when not ok). */
  output: string;
  error?: string;
  /** Wall time of the call. */
  ms: number;
}

/** What runs Python for a tool set: the lab's one sandbox pool (python-tool.ts), or a thread's line to it. */
export interface PythonCalls {
  run(code: string): Promise<ToolResult>;
}

export interface ToolSet {
  call(tool: ToolName, input: string): Promise<ToolResult>;
}
