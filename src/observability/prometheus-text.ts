/** A sample of the Prometheus text exposition format. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const samplePattern = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/**
 * A strict parser of the text format (version 0.0.4), used by tests to prove `/metrics` is
 * valid: every line is a HELP/TYPE comment or a sample, every sample's family was TYPEd first,
 * label sets are well-formed and escaped, values are numbers. Throws on the first bad line.
 */
export function parsePrometheusText(text: string): { types: Map<string, string>; samples: PrometheusSample[] } {
  const types = new Map<string, string>();
  const samples: PrometheusSample[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${line}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
      if (!match) throw new Error(`bad comment, ${where}`);
      if (match[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(match[3]!)) throw new Error(`bad type, ${where}`);
        if (types.has(match[2]!)) throw new Error(`family typed twice, ${where}`);
        types.set(match[2]!, match[3]!);
      }
      return;
    }
    const match = samplePattern.exec(line);
    if (!match) throw new Error(`bad sample, ${where}`);
    const [, name, labelText, valueText] = match as unknown as [string, string, string | undefined, string];
    const family = name.replace(/_(bucket|sum|count)$/, '');
    if (!types.has(name) && !types.has(family)) throw new Error(`sample before its TYPE, ${where}`);
    const labels: Record<string, string> = {};
    if (labelText) {
      labelPattern.lastIndex = 0;
      while (labelPattern.lastIndex < labelText.length) {
        const label = labelPattern.exec(labelText);
        if (!label) throw new Error(`bad labels, ${where}`);
        labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    if (Number.isNaN(value) && valueText !== 'NaN') throw new Error(`bad value, ${where}`);
    samples.push({ name, labels, value });
  });
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  return { types, samples };
}
