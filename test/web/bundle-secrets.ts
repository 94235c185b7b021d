/** Looks for secrets in a built web bundle (issue 7, done means 2). */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'

/** What an Airtable personal access token looks like (`pat` + 14 characters + `.` + secret). */
const AIRTABLE_TOKEN_PATTERN = /pat[A-Za-z0-9]{14}\./

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
}

/** `file: what` for each secret value or token-shaped string found in the bundle at `dir`. */
export async function findSecrets(dir: string, secrets: readonly string[]): Promise<string[]> {
  const found: string[] = []
  const files = await filesUnder(dir)
  if (files.length === 0) throw new Error(`no files under ${dir}`)
  for (const file of files) {
    const text = (await readFile(file)).toString('latin1')
    const name = path.relative(dir, file)
    for (const secret of secrets) if (text.includes(secret)) found.push(`${name}: ${secret}`)
    const token = AIRTABLE_TOKEN_PATTERN.exec(text)
    if (token !== null) found.push(`${name}: token-shaped ${token[0]}`)
  }
  return found
}
