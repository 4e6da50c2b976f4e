import { encodeBase58 } from '../../../protocol/solana/address.js';

export const REDACTED = '[redacted]';

/** Field names that hold a secret whatever their value looks like (device or wallet keys, seeds, passwords, cookies). */
const SECRET_FIELD = /(secret|private|password|passphrase|seed|mnemonic|authorization|cookie|keypair|credential)/i;
/** Field names that hold a secret when their value is a string: `token` alone is also the payout token's description. */
const SECRET_STRING_FIELD = /(token|api[-_]?key|access[-_]?key)$/i;
/** Credentials carried inside text: a URL's token/key parameter, an HTTP bearer credential. */
const SECRET_IN_TEXT: [RegExp, string][] = [
  [/([?&#](?:token|access_token|api_key|key|secret)=)[^&#\s"'<>]+/gi, `$1${REDACTED}`],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, `$1${REDACTED}`],
];
/** Shorter known values are not remembered: replacing them could mangle ordinary words. */
const MIN_SECRET_LENGTH = 12;
const MAX_DEPTH = 8;

/**
 * Takes secrets out of log lines before they are written anywhere: fields named like secrets, credentials
 * inside URLs and headers, a 64-byte keypair in Solana's JSON-array form, and the exact values the app told it
 * about (the dashboard's access token, a key after it was unsealed) in any encoding it prints them in.
 * Pure apart from the set of remembered values.
 */
export class Redactor {
  private readonly known = new Set<string>();

  /** Remembers a secret so it never appears in a line, as text or in the encodings bytes are printed in. */
  remember(secret: string | Uint8Array): void {
    const forms = typeof secret === 'string' ? [secret] : encodingsOf(secret);
    for (const form of forms) if (form.length >= MIN_SECRET_LENGTH) this.known.add(form);
  }

  text(text: string): string {
    let out = text;
    for (const secret of this.known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of SECRET_IN_TEXT) out = out.replace(pattern, replacement);
    return out;
  }

  /** A copy of `value` with every secret replaced; the caller's object is left untouched. */
  fields(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value instanceof Uint8Array) return value.length === 64 || value.length === 32 ? REDACTED : `<${value.length} bytes>`;
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[too deep]';
    if (Array.isArray(value)) return looksLikeKeypair(value) ? REDACTED : value.map((item) => this.fields(item, depth + 1));
    if (value instanceof Error) return this.text(value.message);
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      out[key] = SECRET_FIELD.test(key) || (SECRET_STRING_FIELD.test(key) && typeof field === 'string') ? REDACTED : this.fields(field, depth + 1);
    }
    return out;
  }
}

function encodingsOf(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes);
  return [buffer.toString('hex'), buffer.toString('base64'), buffer.toString('base64url'), encodeBase58(bytes), JSON.stringify([...bytes])];
}

/** Solana's keypair file format: the 64 secret-key bytes as a JSON array of numbers. */
function looksLikeKeypair(value: unknown[]): boolean {
  return value.length === 64 && value.every((item) => Number.isInteger(item) && (item as number) >= 0 && (item as number) <= 255);
}
