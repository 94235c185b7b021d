/**
 * `airsync codegen [--out FILE] [--base appX] [--name NAME]`: reads a base's schema through the
 * metadata API and writes TypeScript types for it (cli/codegen/generate.ts), to FILE or stdout.
 * Env: AIRTABLE_API_URL (default Airtable's), AIRTABLE_ACCESS_TOKEN, AIRTABLE_BASE_ID.
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type * as Prettier from 'prettier'
import { z } from 'zod'
import { createAirtableClient, RateLimiter } from '../../airtable/index.ts'
import { UsageError, type Command } from '../command.ts'
import { generateTypes } from '../codegen/generate.ts'

export const CODEGEN_USAGE = `Usage: airsync codegen [options]

Reads a base's schema (metadata API) and writes TypeScript types for its tables.

Options:
  --out FILE    write the types to FILE (default: stdout)
  --base ID     the base (default $AIRTABLE_BASE_ID)
  --name NAME   the base's name in type names, e.g. Presence → PresenceTables
                (default: its name from the list of bases)
  --help        this text

Env: AIRTABLE_API_URL (default https://api.airtable.com), AIRTABLE_ACCESS_TOKEN (required),
     AIRTABLE_BASE_ID.`

const DEFAULT_API_URL = 'https://api.airtable.com'

const configSchema = z.object({
  out: z.string().min(1).optional(),
  baseId: z.string().regex(/^app[A-Za-z0-9]{14}$/, 'a base ID is app + 14 characters'),
  name: z.string().min(1).optional(),
  apiUrl: z.url().default(DEFAULT_API_URL),
  token: z.string().min(1, 'AIRTABLE_ACCESS_TOKEN is required'),
})

/** The validated configuration of one codegen run. */
export type CodegenConfig = z.infer<typeof configSchema>

/** Parses argv (after `codegen`) and env; throws UsageError with the reason. */
export function parseCodegenArgs(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): CodegenConfig {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        base: { type: 'string' },
        name: { type: 'string' },
      },
    }).values
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const parsed = configSchema.safeParse({
    out: values.out,
    baseId: values.base ?? env['AIRTABLE_BASE_ID'] ?? '',
    name: values.name,
    apiUrl: env['AIRTABLE_API_URL'] || undefined,
    token: env['AIRTABLE_ACCESS_TOKEN'] ?? '',
  })
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; '),
    )
  return parsed.data
}

/**
 * Formats the generated text with Prettier and the project's settings for `file`, when
 * Prettier is installed (a development checkout); otherwise returns it as generated.
 */
export async function formatGenerated(text: string, file: string): Promise<string> {
  let prettier: typeof Prettier
  try {
    prettier = await import('prettier')
  } catch {
    return text
  }
  // The out file's own settings, else those of the working directory (a file outside any project).
  const config =
    (await prettier.resolveConfig(file)) ??
    (await prettier.resolveConfig(path.join(process.cwd(), 'generated.ts'))) ??
    {}
  return prettier.format(text, { ...config, filepath: file, parser: 'typescript' })
}

export const codegenCommand: Command = {
  summary: "write TypeScript types for a base's tables (metadata API)",
  usage: CODEGEN_USAGE,
  async run({ argv, env, io, signal }) {
    const config = parseCodegenArgs(argv, env)
    // A limiter of its own: a one-shot command should not share budgets with anything else.
    const client = createAirtableClient({
      token: config.token,
      apiUrl: config.apiUrl,
      limiter: new RateLimiter(),
    })
    const schema = await client.meta.getBaseSchema(config.baseId, { signal })
    const name =
      config.name ??
      (await client.meta.listBases({ signal })).find((b) => b.id === config.baseId)?.name ??
      'Base'
    const file = path.resolve(config.out ?? 'generated.ts')
    const text = await formatGenerated(generateTypes(schema, { id: config.baseId, name }), file)
    if (config.out === undefined) io.out(text.trimEnd())
    else {
      await writeFile(file, text)
      io.err(`wrote ${config.out} (${schema.tables.length} tables)`)
    }
    return 0
  },
}
