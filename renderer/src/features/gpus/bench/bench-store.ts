import { createStore, type StoreApi } from 'zustand';
import type { ProviderApi } from '../../../../../protocol/api.js';
import type { BenchBackend, BenchProgress, BenchRunSummary } from '../../../../../protocol/bench/wgsl/api-schemas.js';

/** The steps a run walks through, in order, as the page lists them. */
export const BENCH_STEPS = [
  { id: 'inputs', label: 'Test data from the challenge seed' },
  { id: 'fma', label: 'Raw FP32 compute' },
  { id: 'sgemm', label: 'FP32 matrix multiply' },
  { id: 'hgemm', label: 'FP16 matrix multiply' },
  { id: 'triad', label: 'Memory bandwidth' },
  { id: 'sgemm_sustained', label: 'Sustained load (heat check)' },
  { id: 'proof', label: 'Proof and signature' },
] as const;
export type BenchStepId = (typeof BENCH_STEPS)[number]['id'];
export type StepStatus = 'waiting' | 'running' | 'done' | 'skipped';

export interface BenchState {
  progress: BenchProgress | null;
  /** Steps seen in the current run (to tell "done" from "skipped"). */
  seen: BenchStepId[];
  history: BenchRunSummary[];
  latest: BenchRunSummary | null;
  starting: boolean;
  historyLoaded: boolean;
  /** Why the last run failed, with what to do next (shown in the panel, beside the steps). */
  runError: { message: string; nextStep: string | null } | null;
}

export interface BenchActions {
  start(quick: boolean, backend: BenchBackend): Promise<void>;
  loadHistory(): Promise<void>;
  applyProgress(progress: BenchProgress): void;
}

export type BenchStore = BenchState & BenchActions;

export const initialBenchState: BenchState = { progress: null, seen: [], history: [], latest: null, starting: false, historyLoaded: false, runError: null };

/** Which step a progress event is on. Pure. */
export function stepOf(progress: BenchProgress): BenchStepId | null {
  if (progress.stage === 'preparing' || progress.stage === 'adapter' || progress.stage === 'inputs') return 'inputs';
  if (progress.stage === 'sustained') return 'sgemm_sustained';
  if (progress.stage === 'kernel') return progress.kernel && progress.kernel !== 'naive_gemm' ? progress.kernel : null;
  if (progress.stage === 'readback' || progress.stage === 'proof' || progress.stage === 'signing') return 'proof';
  return null;
}

/** Folds one progress event into the state: a new run resets the seen steps. Pure. */
export function reduceProgress(state: BenchState, progress: BenchProgress): BenchState {
  const sameRun = state.progress?.startedAt === progress.startedAt;
  const seen = sameRun ? [...state.seen] : [];
  const step = stepOf(progress);
  if (step && !seen.includes(step)) seen.push(step);
  return { ...state, progress, seen };
}

/** Status of every step for the current progress. Pure. */
export function stepStatuses(progress: BenchProgress | null, seen: readonly BenchStepId[]): Record<BenchStepId, StepStatus> {
  const out = {} as Record<BenchStepId, StepStatus>;
  const current = progress ? stepOf(progress) : null;
  const currentIndex = current ? BENCH_STEPS.findIndex((s) => s.id === current) : progress?.stage === 'done' ? BENCH_STEPS.length : -1;
  BENCH_STEPS.forEach((step, index) => {
    if (!progress) out[step.id] = 'waiting';
    else if (progress.stage === 'failed') out[step.id] = seen.includes(step.id) ? 'done' : 'waiting';
    else if (index < currentIndex) out[step.id] = seen.includes(step.id) ? 'done' : 'skipped';
    else if (index === currentIndex) out[step.id] = 'running';
    else out[step.id] = 'waiting';
  });
  return out;
}

/** One store per page mount; the API is injected (tests pass an in-memory one). */
export function createBenchStore(api: ProviderApi, onError: (error: unknown) => void): StoreApi<BenchStore> {
  return createStore<BenchStore>()((set, get) => ({
    ...initialBenchState,
    applyProgress: (progress) => {
      set((state) => reduceProgress(state, progress));
      // A run this page did not start (another window, or before a reload) shows up once it is done.
      if (progress.stage === 'done' && !get().starting) {
        void api
          .getBenchHistory()
          .then((history) => set({ history, historyLoaded: true, latest: history[0] ?? null }))
          .catch(onError);
      }
    },
    loadHistory: async () => {
      try {
        const history = await api.getBenchHistory();
        set((state) => ({ history, historyLoaded: true, latest: state.latest ?? history[0] ?? null }));
      } catch (error) {
        onError(error);
      }
    },
    start: async (quick, backend) => {
      if (get().starting) return;
      set({ starting: true, latest: null, runError: null });
      try {
        const summary = await api.runBenchmark({ quick, backend });
        set((state) => ({ latest: summary, history: [summary, ...state.history.filter((h) => h.id !== summary.id)] }));
      } catch (error) {
        set({ runError: errorBody(error) });
      } finally {
        set({ starting: false });
      }
    },
  }));
}

function errorBody(error: unknown): { message: string; nextStep: string | null } {
  if (error && typeof error === 'object' && 'message' in error) {
    const nextStep = 'nextStep' in error && typeof error.nextStep === 'string' ? error.nextStep : null;
    return { message: String(error.message), nextStep };
  }
  return { message: String(error), nextStep: null };
}
