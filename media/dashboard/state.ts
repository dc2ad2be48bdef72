import { defaultQuery, toHostSchema, viewStateSchema, type DashboardQuery, type DashboardView, type ToHost, type ViewState } from '../../src/core/protocol';
import { byId } from './dom';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const host = acquireVsCodeApi();

// ---------- state ----------

export interface PageState {
  query: DashboardQuery;
  sortKey: SortKey;
  descending: boolean;
  filter: string;
  selectedSessionId?: string;
}

export type SortKey = 'startMs' | 'project' | 'models' | 'subAgents' | 'tokens' | 'costUsd' | 'durationMs' | 'requests';
export const sortKeys: SortKey[] = ['startMs', 'project', 'models', 'subAgents', 'tokens', 'costUsd', 'durationMs', 'requests'];

export const savedState = viewStateSchema.safeParse(host.getState());

export function loadState(): PageState {
  const state: ViewState = savedState.success ? savedState.data : { query: defaultQuery };
  const sortKey = sortKeys.find((k) => k === state.sort?.key) ?? 'costUsd';
  return { query: state.query, sortKey, descending: state.sort?.descending ?? true, filter: state.filter ?? '', selectedSessionId: state.selectedSessionId };
}

export const page = loadState();
export let view: DashboardView | undefined;
/** The page shows one view at a time; the message handler replaces it. */
export function setView(next: DashboardView | undefined): void {
  view = next;
}

export function saveState(): void {
  const state: ViewState = {
    query: page.query,
    sort: { key: page.sortKey, descending: page.descending },
    filter: page.filter,
    ...(page.selectedSessionId ? { selectedSessionId: page.selectedSessionId } : {}),
  };
  host.setState(state);
}

export function post(message: ToHost): void {
  host.postMessage(toHostSchema.parse(message));
}

export function setQuery(query: DashboardQuery): void {
  page.query = query;
  saveState();
  byId('app').setAttribute('aria-busy', 'true');
  post({ type: 'query', query });
}
