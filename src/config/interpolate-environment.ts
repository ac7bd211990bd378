/**
 * `${VAR}` and `${VAR:-default}` in string values. Applied to the parsed YAML tree, not the
 * raw text, so a variable's value can never change the document's structure.
 * `$${` escapes a literal `${`.
 */
const placeholder = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export class MissingVariableError extends Error {
  constructor(readonly path: string, readonly variable: string) {
    super(`${path}: environment variable ${variable} is not set (use \${${variable}:-default} for an optional value)`);
  }
}

export function interpolateEnvironment(value: unknown, environment: NodeJS.ProcessEnv, path = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(placeholder, (match, variable: string | undefined, fallback: string | undefined) => {
      if (match === '$${') return '${';
      const found = environment[variable!];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new MissingVariableError(path || '(root)', variable!);
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnvironment(item, environment, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = interpolateEnvironment(item, environment, path ? `${path}.${key}` : key);
    }
    return result;
  }
  return value;
}
