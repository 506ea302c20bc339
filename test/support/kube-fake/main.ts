/**
 * Runs the fake kube-apiserver standalone: `npm run -s fake:kube -- --port 8080 [--token T]
 * [--crd-delay-ms N] [--latency-ms N] [--name NAME]`. Prints the URL; stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startKubeFake } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    token: { type: 'string' },
    'crd-delay-ms': { type: 'string' },
    'latency-ms': { type: 'string' },
    name: { type: 'string' },
  },
});

const fake = await startKubeFake({
  port: Number(values.port),
  token: values.token,
  crdEstablishDelayMs: values['crd-delay-ms'] === undefined ? undefined : Number(values['crd-delay-ms']),
  latencyMs: values['latency-ms'] === undefined ? undefined : Number(values['latency-ms']),
  name: values.name,
});
process.stdout.write(`kube-fake ${fake.name} listening on ${fake.url}\n`);
const stop = () => { void fake.close().then(() => process.exit(0)); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
