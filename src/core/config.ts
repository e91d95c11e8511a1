import { en } from 'zod/locales'
import * as z from 'zod/mini'
import { globalConfig } from 'zod/v4/core'
import { ConfigError } from '../errors/index.js'

// zod/mini ships no locale (zod classic registers English on first use): without one every issue reads "Invalid
// input". English unless the application configured a locale of its own.
if (!globalConfig.localeError) z.config(en())

/**
 * Validates `input` against a zod schema and returns the parsed output (defaults applied). On failure throws one
 * {@link ConfigError} whose message lists every issue as `path: message`. Values are never echoed, so a
 * mistyped secret cannot leak into the error.
 *
 * @example
 * ```ts
 * const cfg = parseConfig(MyConfigSchema, userInput, 'MyComponent')
 * ```
 */
export function parseConfig<S extends z.core.$ZodType>(schema: S, input: unknown, name: string): z.output<S> {
  // The function form takes any zod 4 schema (zod/mini's or zod classic's).
  const r = z.safeParse(schema, input)
  if (r.success) return fastObject(r.data)
  const issues = formatIssues(r.error)
  throw new ConfigError(`Invalid ${name} config: ${issues.join('; ')}`, issues)
}

/**
 * A plain object copied into a fresh one; anything else as it is. zod builds the first output of a schema on a generic
 * path that can leave it a slow dictionary-mode object in V8 (a RiskManager's config was one), and a component reads
 * its config on every call; a copy made by a spread has fast properties.
 */
function fastObject<T>(v: T): T {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype ? { ...v } : v
}

/**
 * Formats zod issues as `path: message` strings, the form used by every tradekit error.
 *
 * @example
 * ```ts
 * const r = MySchema.safeParse(input)
 * if (!r.success) throw new ConfigError('Invalid config', formatIssues(r.error)) // ['timeoutMs: Too small: ...']
 * ```
 */
export function formatIssues(error: z.core.$ZodError): string[] {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
}
