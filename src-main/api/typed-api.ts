/**
 * The typed shapes derived from the channel map: `api.runs.list({...})` for channel `runs.list`.
 * Types only, so the renderer may import them.
 */
import type { LabEventName, LabEvents } from '../core/events';
import type { ChannelAnswer, ChannelInput, ChannelName } from './channels';
import type { ApiResult } from './result';

type GroupOf<C extends string> = C extends `${infer G}.${string}` ? G : never;
type MethodOf<C extends string, G extends string> = C extends `${G}.${infer M}` ? M : never;
export type ChannelGroup = GroupOf<ChannelName>;

/** True when every field is optional, or there are none (a strict empty object is `Record<string, never>`). */
type AllOptional<T> = Partial<T> extends T ? true : T extends Record<string, never> ? true : false;

/** Input may be left out when every field is optional. */
type Call<C extends ChannelName, R> =
  AllOptional<ChannelInput<C>> extends true
    ? (input?: ChannelInput<C>) => Promise<R>
    : (input: ChannelInput<C>) => Promise<R>;

type Grouped<Answer extends 'envelope' | 'value'> = {
  [G in ChannelGroup]: {
    [C in ChannelName as MethodOf<C, G>]: Call<
      C,
      Answer extends 'envelope' ? ApiResult<ChannelAnswer<C>> : ChannelAnswer<C>
    >;
  };
};

export type Unsubscribe = () => void;
export type Subscribe = <E extends LabEventName>(event: E, listener: (payload: LabEvents[E]) => void) => Unsubscribe;

/** What the Electron preload puts on `window.aepoLab`: every channel, answering with envelopes. */
export type LabBridge = Grouped<'envelope'> & { on: Subscribe };

/** What the renderer uses: every channel, answering with values and throwing `ApiError` on failures. */
export type LabApi = Grouped<'value'> & { on: Subscribe };

export type { LabEventName, LabEvents } from '../core/events';
export type { ApiErrorBody, ApiErrorCode, ApiIssue, ApiResult } from './result';
export type { AppInfo, ChannelAnswer, ChannelInput, ChannelName } from './channels';
export type { Settings } from '../core/settings-schema';
export type * from '../store/records';
export type { ConfigField } from '../experiments/plan/config-fields';
export type { ExperimentOptions } from '../experiments/plan/plan';
export type { RunConfigDiff } from '../experiments/plan/config-diff';
export type { Estimate } from '../experiments/plan/estimate';
export type { StudyPlan } from '../experiments/study/paper-claims-plan';
export type { ClaimSummary, StudyReport } from '../experiments/study/report';
export type { BackendReport } from '../experiments/execution/run-task';
export type { Cell, Comparison, ResultsTable, TableRow } from '../experiments/results/results-table';
export type { ClusterInfo } from '../services/clusters';
export type { ClusterCheck, LaunchRow } from '../experiments/remote/remote-runs';
export type { RunExecution } from '../experiments/execution/run-executor';
export type { SubmitResult, SubmittedJob } from '../experiments/remote/submit';
