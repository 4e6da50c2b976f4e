import { DockerEngine } from '../../adapters/docker-engine.js';
import type { ContainerEngine } from '../ports.js';

/**
 * For integration tests: the real engine at DOCKER_HOST (set up by `source .ci/podman.sh`).
 * Under CI=true a missing engine is a failure; elsewhere the suite is skipped, loudly.
 */
export interface TestEngine {
  engine: ContainerEngine & { ping(): Promise<void> };
  /** A local image (no pull needed), e.g. localhost/offhours-test:busybox. */
  localImage: string;
  /** The same busybox image in the local registry, pinned by digest, for pulls. */
  registryImage: string | null;
}

export async function findTestEngine(): Promise<TestEngine | null> {
  const host = process.env.DOCKER_HOST;
  const reason = await (async () => {
    if (!host) return 'DOCKER_HOST is not set';
    try {
      const engine = await DockerEngine.open(host);
      await engine.ping();
      const localImage = process.env.OFFHOURS_TEST_IMAGE ?? 'localhost/offhours-test:busybox';
      if (!(await engine.inspectImage(localImage))) return `the test image ${localImage} is missing`;
      return { engine, localImage, registryImage: process.env.OFFHOURS_TEST_IMAGE_REF ?? null };
    } catch (error) {
      return `the engine at ${host} did not answer (${(error as Error).message})`;
    }
  })();
  if (typeof reason !== 'string') return reason;
  if (process.env.CI === 'true') throw new Error(`No container engine for the job-runner tests: ${reason}. Run "source .ci/podman.sh" first.`);
  process.stderr.write(`\n*** SKIPPED: no container engine (source .ci/podman.sh) — ${reason} ***\n\n`);
  return null;
}
