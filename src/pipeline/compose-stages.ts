import type { RequestContext } from './request-context.js';

/**
 * A stage does its part, calls `next()` to run the stages after it, and may act on the way
 * back (after `next()` resolves) — e.g. to write the response or record usage. A stage with
 * nothing to do on the way back may be a plain function returning `next()`: its throw then
 * reaches the awaiting stage before it like a rejection would, and the composed handler rejects.
 */
export type Stage = (context: RequestContext, next: () => Promise<void>) => Promise<void>;

export type ComposedStages = (context: RequestContext) => Promise<void>;

/** What each composed handler runs, for tracing to recompose it with a span per stage. */
const composedStages = new WeakMap<ComposedStages, readonly Stage[]>();

/** Composes stages into one handler, in order (DESIGN.md §2.3). */
export function composeStages(stages: readonly Stage[]): ComposedStages {
  const handler: ComposedStages = (context) => {
    const dispatch = (index: number): Promise<void> => {
      const stage = stages[index];
      if (!stage) return Promise.resolve();
      return stage(context, () => dispatch(index + 1));
    };
    try {
      return dispatch(0);
    } catch (error) {
      // A plain-function stage threw: the handler still only ever rejects.
      return Promise.reject(error);
    }
  };
  composedStages.set(handler, stages);
  return handler;
}

/** The stages of a handler made by composeStages. */
export function stagesOf(handler: ComposedStages): readonly Stage[] | undefined {
  return composedStages.get(handler);
}
