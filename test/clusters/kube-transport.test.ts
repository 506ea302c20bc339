import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import { KubeApiError, kubeConfigTransport } from '../../shared/clusters/index.ts';
import { startKubeFake, type KubeFake } from '../support/kube-fake/index.ts';

function kubeConfig(cluster: Partial<Cluster> & { server: string }, user: Partial<User> = {}): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', skipTLSVerify: true, ...cluster }], users: [{ name: 'u', ...user }], contexts: [{ name: 'c', cluster: 'c', user: 'u' }], currentContext: 'c' });
  return kc;
}

/** An HTTP proxy (forwarding absolute-URI requests, tunnelling CONNECT) that records the hosts it reached. */
async function startProxy(): Promise<{ url: string; tunnels: string[]; close(): Promise<void> }> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const target = new URL(req.url ?? '');
    tunnels.push(target.host);
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => undefined); }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, tunnels,
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

describe('the Kubernetes transport', () => {
  let fake: KubeFake;
  before(async () => { fake = await startKubeFake({ name: 'transport' }); });
  after(() => fake.close());

  it('answers the server\'s status, JSON body and headers, and sends the body as JSON with its content type', async () => {
    const send = kubeConfigTransport(kubeConfig({ server: fake.url }));
    const created = await send({ method: 'PATCH', path: '/api/v1/namespaces/default/configmaps/t', query: { fieldManager: 'test' }, contentType: 'application/apply-patch+yaml', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 't' }, data: { a: '1' } } });
    assert.equal(created.status, 201);
    assert.equal(created.body.data.a, '1');
    assert.match(created.headers['content-type'] ?? '', /application\/json/);
    const missing = await send({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/none' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.reason, 'NotFound');
  });

  it('goes through the kubeconfig\'s proxy-url', async () => {
    const proxy = await startProxy();
    try {
      const send = kubeConfigTransport(kubeConfig({ server: fake.url, proxyUrl: proxy.url }));
      const res = await send({ method: 'GET', path: '/api/v1/namespaces/default/configmaps/none' });
      assert.equal(res.status, 404);
      assert.deepEqual(proxy.tunnels, [new URL(fake.url).host]);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a SOCKS proxy-url, naming the cluster, before anything is sent', async () => {
    const send = kubeConfigTransport(kubeConfig({ server: fake.url, proxyUrl: 'socks5://127.0.0.1:1' }));
    await assert.rejects(send({ method: 'GET', path: '/api' }), /kubeconfig cluster c: a SOCKS proxy-url is not supported/);
  });

  it('a server that does not answer in time is no answer (status 0, retried by the client), naming the server', async () => {
    const silent = http.createServer(() => { /* never answers */ });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const server = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const send = kubeConfigTransport(kubeConfig({ server }), { timeoutMs: 200 });
      await assert.rejects(send({ method: 'GET', path: '/api' }), (e: unknown) => e instanceof KubeApiError && e.status === 0 && e.message.includes(server) && e.transient);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('a refused connection is no answer too, naming the server and the error code', async () => {
    const port = await new Promise<number>((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => r(p)); }); });
    const send = kubeConfigTransport(kubeConfig({ server: `http://127.0.0.1:${port}` }));
    await assert.rejects(send({ method: 'GET', path: '/api' }), (e: unknown) => e instanceof KubeApiError && e.status === 0 && /127\.0\.0\.1:\d+: ECONNREFUSED/.test(e.message));
  });

  it('sends a body given as JSON text as is, and the caller\'s Accept header (application/json when none)', async () => {
    const seen: Array<{ accept: string | undefined; body: string }> = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => { seen.push({ accept: req.headers.accept, body: Buffer.concat(chunks).toString('utf8') }); res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const send = kubeConfigTransport(kubeConfig({ server: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` }));
      const text = '{"kind":"ConfigMap", "apiVersion":"v1"}';
      await send({ method: 'PATCH', path: '/x', body: { kind: 'ConfigMap', apiVersion: 'v1' }, bodyText: text, accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json' });
      await send({ method: 'PATCH', path: '/x', body: { b: 1 } });
      assert.deepEqual(seen, [
        { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json', body: text },
        { accept: 'application/json', body: '{"b":1}' },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('reads an answer sent in pieces (a character split between them), after an informational answer, under the server URL\'s path', async () => {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeProcessing();
      const bytes = Buffer.from(JSON.stringify({ kind: 'ConfigMap', data: { note: 'Grüße – ✓'.repeat(2000) } }), 'utf8');
      const cut = bytes.indexOf(Buffer.from('ü')) + 1; // inside the two bytes of ü
      res.writeHead(200, { 'content-type': 'application/json', 'x-answer': 'pieces' });
      res.write(bytes.subarray(0, cut));
      setImmediate(() => res.end(bytes.subarray(cut)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const send = kubeConfigTransport(kubeConfig({ server: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/k8s/clusters/c-1/` }));
      const res = await send({ method: 'GET', path: '/api/v1/namespaces/a/configmaps/b', query: { limit: '1' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-answer'], 'pieces');
      assert.equal((res.body as { data: { note: string } }).data.note, 'Grüße – ✓'.repeat(2000));
      assert.deepEqual(paths, ['/k8s/clusters/c-1/api/v1/namespaces/a/configmaps/b?limit=1']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('sends a kubeconfig user\'s basic credentials as an Authorization header', async () => {
    const seen: (string | undefined)[] = [];
    const server = http.createServer((req, res) => { seen.push(req.headers.authorization); res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const send = kubeConfigTransport(kubeConfig({ server: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` }, { username: 'admin', password: 's3cret' }));
      assert.equal((await send({ method: 'GET', path: '/api' })).status, 200);
      assert.deepEqual(seen, [`Basic ${Buffer.from('admin:s3cret').toString('base64')}`]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
