import { composeStages, stagesOf, type ComposedStages } from '../pipeline/compose-stages.js';
import type { Pipeline, RequestTracing } from './request-tracing.js';

/**
 * The same pipelines with every stage in its own span and the whole in a request span. Built
 * once at server creation, and only when tracing is on: otherwise the plain compositions run.
 */
export function tracedPipelines<Name extends string>(pipelines: Record<Name, ComposedStages>, tracing: RequestTracing): Record<Name, Pipeline> {
  const traced = {} as Record<Name, Pipeline>;
  for (const name of Object.keys(pipelines) as Name[]) {
    const stages = stagesOf(pipelines[name]);
    // A handler not made by composeStages still gets its request span, as one piece.
    const pipeline = stages ? composeStages(stages.map((stage) => tracing.traceStage(stage.name || 'stage', stage))) : pipelines[name];
    traced[name] = tracing.tracePipeline(pipeline);
  }
  return traced;
}
