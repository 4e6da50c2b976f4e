import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * A stand-in for the world beyond this PC, for egress tests on machines with no internet: a network namespace
 * behind a veth pair, holding a "public" address (TEST-NET-3) and the cloud metadata address, with an HTTP
 * listener on both that answers "internet". Traffic from a guest to it is forwarded by the host exactly like
 * traffic to the internet is. Needs root and iproute2; `startFakeInternet` says why not otherwise.
 */
export interface FakeInternet {
  publicAddress: string;
  metadataAddress: string;
  port: number;
  close(): void;
}

const HOST_SIDE = '203.0.113.1';
const PUBLIC = '203.0.113.7';
const METADATA = '169.254.169.254';

export async function startFakeInternet(tag: string): Promise<FakeInternet | string> {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (network namespaces need it)';
  const ns = `ohnet-${tag}`;
  const hostVeth = `ohv${tag}h`.slice(0, 15);
  const nsVeth = `ohv${tag}n`.slice(0, 15);
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let listener: ChildProcess | null = null;
  const close = () => {
    listener?.kill();
    for (const args of [['route', 'del', `${METADATA}/32`, 'dev', hostVeth], ['link', 'del', hostVeth], ['netns', 'del', ns]]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  };
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostVeth, 'type', 'veth', 'peer', 'name', nsVeth);
    ip('link', 'set', nsVeth, 'netns', ns);
    ip('addr', 'add', `${HOST_SIDE}/24`, 'dev', hostVeth);
    ip('link', 'set', hostVeth, 'up');
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${PUBLIC}/24`, 'dev', nsVeth);
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${METADATA}/32`, 'dev', nsVeth);
    ip('netns', 'exec', ns, 'ip', 'link', 'set', nsVeth, 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    ip('netns', 'exec', ns, 'ip', 'route', 'add', 'default', 'via', HOST_SIDE);
    ip('route', 'add', `${METADATA}/32`, 'dev', hostVeth);
    const script = "const s=require('http').createServer((q,r)=>r.end('internet\\n'));s.listen(0,'0.0.0.0',()=>console.log(s.address().port))";
    listener = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await Promise.race([once(listener.stdout!, 'data'), once(listener, 'exit').then(() => ['the listener exited'])])) as [Buffer | string];
    const port = Number(String(line).trim());
    if (!Number.isInteger(port) || port <= 0) throw new Error(`the listener did not start: ${String(line)}`);
    return { publicAddress: PUBLIC, metadataAddress: METADATA, port, close };
  } catch (error) {
    close();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `could not build the namespace: ${stderr || (error as Error).message}`;
  }
}
