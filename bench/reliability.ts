/**
 * `npm run test:reliability`: the reliability scenarios of test/reliability/ in one run.
 *
 *   node bench/reliability.ts [--json] [--seed N] [--bad-inputs 10000] [--fault-events 100] [--fault-rate 0.1]
 *                             [--cluster-events 80]
 *
 * Prints the checks (or, with --json, one JSON object with every figure, machine and date); exits 1 when a
 * check fails. --fault-events image events (plus 20 redeliveries) and --cluster-events push deliveries run
 * under faults: 200 events by default.
 */
import { parseArgs } from 'node:util';
import { runSuite, type Check } from '../test/reliability/suite.ts';
import { machine } from './report.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seed: { type: 'string' },
    'bad-inputs': { type: 'string', default: '10000' },
    'fault-events': { type: 'string', default: '100' },
    'fault-rate': { type: 'string', default: '0.1' },
    'cluster-events': { type: 'string', default: '80' },
  },
});

const result = await runSuite({
  ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
  badInputs: Number(values['bad-inputs']),
  faultEvents: Number(values['fault-events']),
  faultRate: Number(values['fault-rate']),
  clusterEvents: Number(values['cluster-events']),
});

if (values.json) {
  console.log(JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...result }, null, 2));
} else {
  for (const c of result.checks as Check[]) console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name} = ${JSON.stringify(c.value)} (expected ${c.expected})`);
  for (const [name, reason] of Object.entries(result.pending as Record<string, string>)) console.log(`-    ${name} = null (${reason})`);
  const bad = (result.scenarios as { bad_input: { examples: unknown[]; bomb_config: unknown } }).bad_input;
  if (bad.examples.length) console.log('crashes and effects:', JSON.stringify(bad.examples, null, 1));
  console.log(`gitops.yaml alias bomb: ${JSON.stringify(bad.bomb_config)}`);
  console.log(`${result.ok ? 'all checks pass' : 'some checks FAIL'} in ${result.ms} ms`);
}
if (!result.ok) process.exitCode = 1;
