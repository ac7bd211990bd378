import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * dev: tuned on. heldout: written with the first detector, never tuned on. heldout2: written
 * after the technique signals (technique-signals.ts) were tuned on dev, and never tuned on.
 * heldout3: written before the learned detector (injection-model/) was trained on dev; blind to
 * every detector and never tuned on.
 */
export type Split = 'dev' | 'heldout' | 'heldout2' | 'heldout3';

export interface InjectionCase {
  id: string;
  label: 'injection' | 'benign';
  category: string;
  role: 'user' | 'tool';
  split: Split;
  text: string;
}

export interface DlpCase {
  id: string;
  split: Split;
  text: string;
  entities: Array<{ type: string; value: string }>;
}

/** The corpus lives in the repository root (eval/guardrails), two levels above dist/guardrails/eval. */
export const corpusDirectory = fileURLToPath(new URL('../../../eval/guardrails/', import.meta.url));

export function readJsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      try {
        return JSON.parse(line) as T;
      } catch {
        throw new Error(`${file}:${index + 1}: not valid JSON`);
      }
    });
}

export function loadInjectionCorpus(): InjectionCase[] {
  return readJsonLines<InjectionCase>(`${corpusDirectory}injection.jsonl`);
}

export function loadDlpCorpus(): DlpCase[] {
  return readJsonLines<DlpCase>(`${corpusDirectory}dlp.jsonl`);
}
