/** Signed hellos for tests: a fresh device key per provider, signing with the same code the app uses. */
import { generateSecretKey, memorySigner, type ReportSigner } from '../../protocol/bench/signing.js';
import { signHello } from '../../protocol/network-signing.js';
import { NETWORK_PROTOCOL_VERSION, type HelloBody, type ProviderMessageOf } from '../../protocol/network.js';

export interface TestDevice {
  signer: ReportSigner;
  publicKey: string;
}

export async function testDevice(): Promise<TestDevice> {
  const signer = memorySigner(generateSecretKey());
  return { signer, publicKey: await signer.publicKeyHex() };
}

export function helloBody(device: TestDevice, nonce: string, overrides: Partial<HelloBody> = {}): HelloBody {
  return {
    protocolVersion: NETWORK_PROTOCOL_VERSION,
    coordinatorNonce: nonce,
    devicePublicKey: device.publicKey,
    payoutAddress: '',
    gpus: [{ name: 'SwiftShader Device (Subzero)', vendor: 'other', vramMiB: null }],
    minPricePerGpuHour: '0',
    appVersion: '0.1.0-test',
    resumeSessionId: null,
    backends: ['webgpu'],
    runningJobIds: [],
    ...overrides,
  };
}

export function signedHello(device: TestDevice, nonce: string, overrides: Partial<HelloBody> = {}): Promise<ProviderMessageOf<'hello'>> {
  return signHello(helloBody(device, nonce, overrides), device.signer);
}
