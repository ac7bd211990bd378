import { validateConfig } from '../../../config/load-config.js';
import { guardrailPolicies } from '../../compile-guardrail-policies.js';
import type { ClassifierCall } from '../../guardrail-policy.js';

/**
 * Run as a child process by the classifier tests: compiles a config's guardrails, classifies a
 * text with every whole-text policy, and prints whether the ONNX runtime's shared object got
 * loaded. With no model directory argument, the config has no classifier policy.
 */
const modelDirectory = process.argv[2];
const config = validateConfig({
  storage: 'memory',
  guardrails: {
    injection: { type: 'prompt_injection', action: 'block' },
    pii: { type: 'pii', action: 'redact' },
    ...(modelDirectory ? { tiny: { type: 'classifier', model_dir: modelDirectory } } : {}),
  },
});
const call = { timeoutMs: 60_000 } as ClassifierCall;
for (const policy of guardrailPolicies(config).values()) await policy.classify?.(['hello world'], call);
const report = process.report.getReport() as unknown as { sharedObjects: string[] };
console.log(`onnx loaded: ${report.sharedObjects.some((path) => path.includes('onnxruntime'))}`);
