/**
 * ed25519 signatures over canonical JSON (@noble/curves; pure, runs in the renderer and the coordinator too).
 * The private key never passes through here in the app: a ReportSigner (the DeviceKeyStore in core) signs.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { canonicalBytes } from './canonical-json.js';
import { BenchReportBodySchema, reportBody, type BenchReport, type BenchReportBody } from './report.js';

/** Whatever holds the device's private key. Implemented by DeviceKeyStore (core) and by memorySigner (tests). */
export interface ReportSigner {
  /** The ed25519 public key, 32 bytes as lowercase hex. */
  publicKeyHex(): Promise<string>;
  /** ed25519 signature (64 bytes) of the message. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A signer over a raw 32-byte secret key held in memory: for tests, benches and the coordinator's tools. */
export function memorySigner(secretKey: Uint8Array): ReportSigner {
  const publicKey = bytesToHex(ed25519.getPublicKey(secretKey));
  return {
    publicKeyHex: () => Promise.resolve(publicKey),
    sign: (message) => Promise.resolve(ed25519.sign(message, secretKey)),
  };
}

export function generateSecretKey(): Uint8Array {
  return ed25519.utils.randomSecretKey();
}

/** Signs canonicalJson(body); the body must already name the signer's public key. */
export async function signReport(body: BenchReportBody, signer: ReportSigner): Promise<BenchReport> {
  const parsed = BenchReportBodySchema.parse(body);
  const publicKey = await signer.publicKeyHex();
  if (parsed.devicePublicKey !== publicKey) throw new Error('the report names a different device key than the signer holds');
  const signature = await signer.sign(canonicalBytes(parsed));
  return { ...parsed, signature: bytesToHex(signature) };
}

/** True when report.signature is a valid ed25519 signature by report.devicePublicKey over canonicalJson(body). */
export function verifySignature(report: BenchReport): boolean {
  try {
    return ed25519.verify(hexToBytes(report.signature), canonicalBytes(reportBody(report)), hexToBytes(report.devicePublicKey), { zip215: false });
  } catch {
    return false;
  }
}
