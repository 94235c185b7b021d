/**
 * `airsync codegen [--out FILE] [--base appX] [--name NAME]`: reads a base's schema through the
 * metadata API and writes TypeScript types for it (cli/codegen/generate.ts), to FILE or stdout.
 * Env: AIRTABLE_API_URL (default Airtable's), AIRTABLE_ACCESS_TOKEN, AIRTABLE_BASE_ID. With
 * neither URL nor token set, it reads the stack `airsync start` runs, as `status` does.
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type * as Prettier from 'prettier'
import { z } from 'zod'
import { createAirtableClient, RateLimiter } from '../../airtable/index.ts'
import { UsageError, type Command } from '../command.ts'
import { generateTypes } from '../codegen/generate.ts'
import { readDevSecrets } from './start.ts'

export const CODEGEN_USAGE = `Usage: airsync codegen [options]

Reads a base's schema (metadata API) and writes TypeScript types for its tables.

Options:
  --out FILE    write the types to FILE (default: stdout)
  --base ID     the base (default $AIRTABLE_BASE_ID)
  --name NAME   the base's name in type names, e.g. Presence → PresenceTables
                (default: its name from the list of bases)
  --help        this text

Env: AIRTABLE_API_URL (default https://api.airtable.com), AIRTABLE_ACCESS_TOKEN,
     AIRTABLE_BASE_ID (default: the token's only base).
With neither AIRTABLE_API_URL nor AIRTABLE_ACCESS_TOKEN set, it reads the running
\`airsync start\` stack: http://127.0.0.1:$PORT (default 8787) with the service key kept in
$AIRSYNC_DATA_DIR or ./.airsync/.`

const DEFAULT_API_URL = 'https://api.airtable.com'

const configSchema = z.object({
  out: z.string().min(1).optional(),
  baseId: z
    .string()
    .regex(/^app[A-Za-z0-9]{14}$/, 'a base ID is app + 14 characters')
    .optional(),
  name: z.string().min(1).optional(),
  apiUrl: z.url().default(DEFAULT_API_URL),
  token: z.string().min(1, 'AIRTABLE_ACCESS_TOKEN is required'),
})

/** The validated configuration of one codegen run. */
export type CodegenConfig = z.infer<typeof configSchema>

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value

/**
 * Where the schema is read: the env's Airtable (or emulator), else the local `airsync start`
 * stack when its service key is on disk. The key goes only to the local server, never to an
 * AIRTABLE_API_URL that names somewhere else.
 */
function target(env: Readonly<Record<string, string | undefined>>): {
  apiUrl: string | undefined
  token: string
} {
  const apiUrl = nonEmpty(env['AIRTABLE_API_URL'])
  const token = nonEmpty(env['AIRTABLE_ACCESS_TOKEN'])
  if (apiUrl === undefined && token === undefined) {
    const local = readDevSecrets(env['AIRSYNC_DATA_DIR'] ?? './.airsync/')
    if (local !== undefined) {
      return { apiUrl: `http://127.0.0.1:${env['PORT'] ?? '8787'}`, token: local.serviceKey }
    }
  }
  return { apiUrl, token: token ?? '' }
}

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
    baseId: values.base ?? nonEmpty(env['AIRTABLE_BASE_ID']),
    name: values.name,
    ...target(env),
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

/** The base a token names when no base was given: its only one. */
function onlyBase(bases: readonly { id: string; name: string }[]): string {
  const [only, ...more] = bases
  if (only !== undefined && more.length === 0) return only.id
  const listed = bases.map((b) => `${b.id} (${b.name})`).join(', ')
  throw new UsageError(
    `--base or AIRTABLE_BASE_ID: the token ${bases.length === 0 ? 'has no bases' : `has ${bases.length} bases: ${listed}`}`,
  )
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
    const bases = await client.meta.listBases({ signal })
    const baseId = config.baseId ?? onlyBase(bases)
    const schema = await client.meta.getBaseSchema(baseId, { signal })
    const name = config.name ?? bases.find((b) => b.id === baseId)?.name ?? 'Base'
    const file = path.resolve(config.out ?? 'generated.ts')
    const text = await formatGenerated(generateTypes(schema, { id: baseId, name }), file)
    if (config.out === undefined) io.out(text.trimEnd())
    else {
      await writeFile(file, text)
      io.err(`wrote ${config.out} (${schema.tables.length} tables)`)
    }
    return 0
  },
}
