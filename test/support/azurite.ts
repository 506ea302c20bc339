/**
 * Azurite (the Azure Storage emulator, an npm package) for tests: queue and
 * table services in memory on free loopback ports, stopped on close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Azurite's well-known development account (public, documented; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  connectionString: string;
  queuePort: number;
  tablePort: number;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

const bin = (name: string) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.bin', name);

async function startService(kind: 'queue' | 'table', port: number): Promise<ChildProcess> {
  const child = spawn(
    bin(`azurite-${kind}`),
    [`--${kind}Host`, '127.0.0.1', `--${kind}Port`, String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--loose', '--disableProductStyleUrl', '--disableTelemetry', '--silent'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  // --disableTelemetry: Azurite otherwise reports to Application Insights over the internet.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`azurite-${kind} did not start in 30 s:\n${output}`)), 30_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (/successfully (listen|started)/i.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`azurite-${kind} exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return child;
}

/**
 * Starts Azurite's queue and table services; close() stops them. A port another process took between
 * freePort() and Azurite's listen fails that start: every service of the attempt is stopped and two more
 * attempts are made on fresh ports, so no half-started Azurite is left running.
 */
export async function startAzurite(): Promise<Azurite> {
  for (let attempt = 1; ; attempt++) {
    const [queuePort, tablePort] = [await freePort(), await freePort()];
    const started = await Promise.allSettled([startService('queue', queuePort), startService('table', tablePort)]);
    const children = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) return running(queuePort, tablePort, children);
    await stop(children);
    if (attempt === 3) throw new Error('failed to start Azurite three times', { cause: failed.reason });
  }
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGTERM');
      await once(c, 'exit');
    }),
  );
}

function running(queuePort: number, tablePort: number, children: ChildProcess[]): Azurite {
  return {
    queuePort,
    tablePort,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `QueueEndpoint=http://127.0.0.1:${queuePort}/${ACCOUNT};TableEndpoint=http://127.0.0.1:${tablePort}/${ACCOUNT};`,
    close: () => stop(children),
  };
}
