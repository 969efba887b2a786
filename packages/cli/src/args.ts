/**
 * Command-line arguments: positionals, `--name value`, `--name=value`, and
 * flags that take no value. Unknown options are usage errors.
 */

/** A usage error: printed with the command's usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Parsed {
  readonly positionals: string[];
  /** Every value of each option, in order (`-H a -H b`). */
  readonly options: Map<string, string[]>;
  readonly flags: Set<string>;
}

/**
 * Parse `args` given the options that take a value and the flags that do
 * not. `aliases` maps short forms (`-H`) to long ones (`--header`).
 */
export function parseArgs(
  args: readonly string[],
  spec: { options?: readonly string[]; flags?: readonly string[]; aliases?: Readonly<Record<string, string>> },
): Parsed {
  const valued = new Set(spec.options ?? []);
  const flagged = new Set(spec.flags ?? []);
  const out: Parsed = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      out.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const raw = eq === -1 ? arg : arg.slice(0, eq);
    const name = spec.aliases?.[raw] ?? raw;
    if (flagged.has(name)) {
      if (eq !== -1) throw new UsageError(`${raw} takes no value`);
      out.flags.add(name);
    } else if (valued.has(name)) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`${raw} needs a value`);
      out.options.set(name, [...(out.options.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option ${raw}`);
    }
  }
  return out;
}

/** The last value of an option, or undefined. */
export function option(p: Parsed, name: string): string | undefined {
  return p.options.get(name)?.at(-1);
}

/** A numeric option, or `fallback`. */
export function numberOption(p: Parsed, name: string, fallback: number): number {
  const v = option(p, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${name} must be a number ≥ 0, got ${JSON.stringify(v)}`);
  return n;
}
