import { composeStages, type Stage } from '../pipeline/compose-stages.js';
import type { Pipeline, RequestTracing } from './request-tracing.js';

/**
 * The same pipelines with every stage in its own span and the whole in a request span. Built
 * once at server creation, and only when tracing is on: otherwise the plain compositions run.
 */
export function tracedPipelines<Name extends string>(stagesByName: Record<Name, readonly Stage[]>, tracing: RequestTracing): Record<Name, Pipeline> {
  const pipelines = {} as Record<Name, Pipeline>;
  for (const name of Object.keys(stagesByName) as Name[]) {
    const stages = stagesByName[name].map((stage) => tracing.traceStage(stage.name || 'stage', stage));
    pipelines[name] = tracing.tracePipeline(composeStages(stages));
  }
  return pipelines;
}
