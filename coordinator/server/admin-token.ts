/**
 * The admin token: read from the file the operator named, or generated once (32 random bytes) and written
 * 0600 so only this user can read it. A token file someone else can read is refused, not silently used.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const MIN_TOKEN_LENGTH = 16;

export class AdminTokenError extends Error {}

export function loadOrCreateAdminToken(file: string, platform: NodeJS.Platform = process.platform): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const token = randomBytes(32).toString('base64url');
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a token another process wrote in the meantime.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  }
  if (platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new AdminTokenError(`The admin token file ${file} can be read by other users; run "chmod 600 ${file}" and start again.`);
  }
  const token = text.trim();
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) throw new AdminTokenError(`The admin token in ${file} must be at least ${MIN_TOKEN_LENGTH} characters with no spaces.`);
  return token;
}
