/**
 * infra/ and the code agree. No Bicep compiler runs here: the templates are read as text,
 * with comments stripped, and the few declarations these checks need are found by pattern
 * (infra/main.bicep and infra/modules/function-app.bicep keep them in one recognisable shape).
 *
 * Checks that read functions/*.ts (the registrations) are marked in their names with
 * "[functions/]"; while a trigger is not registered yet, its check is reported as TODO
 * rather than failing the run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import semver from 'semver';
import { SETTINGS, parseConfig, type SettingName } from '../../shared/config/index.ts';
import { loadSettings } from '../../shared/config/settings.ts';
import { EVENT_GRID_SCHEMAS } from '../../shared/pipeline/registry-event.ts';
import { SYNC_QUEUE } from '../../shared/pipeline/sync-job.ts';
import { IMAGE_QUEUE, MAX_DEQUEUE_COUNT } from '../../shared/pipeline/image-job.ts';
import { PREVIEW_QUEUE } from '../../shared/pipeline/preview-job.ts';
import { DELIVERY_TABLE } from '../../shared/storage/table-delivery-log.ts';
import { PROPOSAL_TABLE } from '../../shared/storage/table-proposal-ledger.ts';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** Bicep source with `//` and block comments removed (string contents kept). */
function stripBicepComments(src: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += src[++i] ?? '';
      else if (c === "'") inString = false;
      continue;
    }
    if (c === "'") {
      inString = true;
      out += c;
    } else if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i);
      i = (end < 0 ? src.length : end) - 1;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      i = (end < 0 ? src.length : end + 2) - 1;
    } else {
      out += c;
    }
  }
  return out;
}

const bicep = (path: string): string => stripBicepComments(read(path));
const main = bicep('infra/main.bicep');
const functionApp = bicep('infra/modules/function-app.bicep');
const registryModule = bicep('infra/modules/registry.bicep');
const infraSources = [main, ...readdirSync(new URL('infra/modules/', root)).filter((f) => f.endsWith('.bicep')).map((f) => bicep(`infra/modules/${f}`))];

/** The text between the bracket at `open` and its partner (string-aware, for Bicep and TypeScript alike). */
function balanced(src: string, open: number): string {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return src.slice(open + 1, i);
    }
  }
  throw new Error(`unbalanced bracket at offset ${open}`);
}

/** The body of `var <name> = [ ... ]` or `{ ... }` in a Bicep source. */
function bicepVarBody(src: string, name: string): string {
  const m = new RegExp(`^var ${name} = ([[{])`, 'm').exec(src);
  assert.ok(m, `var ${name} is declared`);
  return balanced(src, m.index + m[0].length - 1);
}

/** The string literals of a Bicep array body. */
const bicepStrings = (body: string): string[] => [...body.matchAll(/'([^'\\]*)'/g)].map((m) => m[1]!);

/** The value of a string `var`/`param` (with a literal default) anywhere in infra/. */
function bicepStringValue(name: string): string | undefined {
  for (const src of infraSources) {
    const m = new RegExp(`^(?:var ${name}|param ${name} string) = '([^'$]*)'`, 'm').exec(src);
    if (m) return m[1];
  }
  return undefined;
}

/** The app settings the template sets: name → value expression (as written). */
function templateAppSettings(): Map<string, string> {
  const body = bicepVarBody(functionApp, 'appSettings');
  const settings = new Map<string, string>();
  for (const m of body.matchAll(/\{\s*name:\s*'([^']+)',\s*value:\s*(.+?)\s*\}\s*$/gm)) {
    assert.ok(!settings.has(m[1]!), `app setting ${m[1]} is set once`);
    settings.set(m[1]!, m[2]!);
  }
  assert.ok(settings.size > 0, 'found the app settings in infra/modules/function-app.bicep');
  return settings;
}

/** The parameters main.bicep declares, with their @allowed lists. */
function mainParameters(): Map<string, { allowed?: string[] }> {
  const params = new Map<string, { allowed?: string[] }>();
  const lines = main.split('\n');
  let allowed: string[] | undefined;
  for (const line of lines) {
    const a = /^@allowed\(\[(.*)\]\)/.exec(line);
    if (a) allowed = a[1]!.split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
    const p = /^param (\w+) /.exec(line);
    if (p) {
      params.set(p[1]!, allowed ? { allowed } : {});
      allowed = undefined;
    }
  }
  return params;
}

// ---------------------------------------------------------------------------------------------------------
// Registrations in functions/*.ts
// ---------------------------------------------------------------------------------------------------------

interface Registration {
  trigger: string;
  name: string;
  file: string;
  /** The options argument's text. */
  options: string;
}

function registrations(): Registration[] {
  const dir = new URL('functions/', root);
  if (!existsSync(dir)) return [];
  const out: Registration[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const src = read(`functions/${file}`);
    for (const m of src.matchAll(/\bapp\.(\w+)(?:<[^>(]*>)?\(\s*'([^']+)'/g)) {
      out.push({ trigger: m[1]!, name: m[2]!, file, options: balanced(src, m.index + m[0].indexOf('(')) });
    }
  }
  return out;
}

/** Every `export const NAME = '...'` in functions/ and shared/, to resolve identifiers in registrations. */
function exportedStringConstants(): Map<string, string> {
  const consts = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(new URL(rel, root), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(`${rel}${entry.name}/`);
      else if (entry.name.endsWith('.ts')) {
        for (const m of read(`${rel}${entry.name}`).matchAll(/^export const (\w+) = '([^']*)';/gm)) consts.set(m[1]!, m[2]!);
      }
    }
  };
  for (const rel of ['functions/', 'shared/']) if (existsSync(new URL(rel, root))) walk(rel);
  return consts;
}

/** A string option of a registration (`key: 'literal'` or `key: CONSTANT`), resolved. */
function option(reg: Registration, key: string): string | undefined {
  const m = new RegExp(`\\b${key}:\\s*(?:'([^']*)'|([A-Za-z_$][\\w$]*))`).exec(reg.options);
  if (!m) return undefined;
  if (m[1] !== undefined) return m[1];
  const value = exportedStringConstants().get(m[2]!);
  assert.ok(value !== undefined, `${reg.file}: ${key} of ${reg.name} is ${m[2]}, an exported string constant`);
  return value;
}

const registered = registrations();

// ---------------------------------------------------------------------------------------------------------
// App settings
// ---------------------------------------------------------------------------------------------------------

const infraSettings = (Object.keys(SETTINGS) as SettingName[]).filter((n) => SETTINGS[n].infra);
const isSecret = (n: SettingName) => 'secret' in SETTINGS[n] && SETTINGS[n].secret === true;

test('the template sets every app setting SETTINGS marks infra: true', () => {
  const settings = templateAppSettings();
  const missing = infraSettings.filter((n) => !settings.has(n));
  assert.deepEqual(missing, [], `settings.ts marks these infra: true but infra/modules/function-app.bicep does not set them`);
});

test('the template sets no app setting the code and the host do not know', () => {
  const host = new Set([
    'AzureWebJobsStorage__accountName',
    'AzureWebJobsStorage__credential',
    'AzureWebJobsStorage__clientId',
    'APPLICATIONINSIGHTS_CONNECTION_STRING',
    'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  ]);
  const unknown = [...templateAppSettings().keys()].filter((n) => !(n in SETTINGS) && !host.has(n));
  assert.deepEqual(unknown, []);
  // Flex Consumption keeps the runtime in functionAppConfig; these settings are rejected or ignored there.
  const flexDeprecated = ['FUNCTIONS_WORKER_RUNTIME', 'FUNCTIONS_EXTENSION_VERSION', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_NODE_DEFAULT_VERSION', 'WEBSITE_CONTENTSHARE', 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING', 'SCM_DO_BUILD_DURING_DEPLOYMENT'];
  assert.deepEqual(flexDeprecated.filter((n) => templateAppSettings().has(n)), []);
});

test('storage is identity-based: the host and the code use the managed identity, the account has shared keys off', () => {
  const settings = templateAppSettings();
  assert.equal(settings.get('AzureWebJobsStorage__credential'), "'managedidentity'");
  assert.equal(settings.get('AzureWebJobsStorage__clientId'), 'identityClientId');
  assert.equal(settings.get('AZURE_CLIENT_ID'), 'identityClientId');
  assert.ok(!settings.has('AzureWebJobsStorage'), 'no storage connection string (AzureWebJobsStorage) in Azure');
  assert.match(bicep('infra/modules/storage.bicep'), /allowSharedKeyAccess: false/);
  assert.match(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING') ?? '', /^'ClientId=\$\{identityClientId\};Authorization=AAD'$/);
  assert.match(bicep('infra/modules/monitoring.bicep'), /DisableLocalAuth: true/);
});

test('every secret setting the template sets is a Key Vault reference, each to its own secret', () => {
  const settings = templateAppSettings();
  const secretNames = bicepVarBody(main, 'secretNames');
  const seen = new Set<string>();
  for (const name of infraSettings.filter(isSecret)) {
    const value = settings.get(name) ?? '';
    const m = /^'@Microsoft\.KeyVault\(SecretUri=\$\{keyVaultUri\}secrets\/\$\{secretNames\.(\w+)\}\)'$/.exec(value);
    assert.ok(m, `${name} is a Key Vault reference (got ${value})`);
    assert.match(secretNames, new RegExp(`^\\s*${m[1]}: '[a-z0-9-]+'$`, 'm'), `secretNames.${m[1]} is named in main.bicep`);
    assert.ok(!seen.has(m[1]!), `${name} has a secret of its own`);
    seen.add(m[1]!);
  }
  // Non-secret settings never point into the vault, and no secret value passes through a parameter.
  for (const [name, value] of settings) if (!(name in SETTINGS && isSecret(name as SettingName))) assert.doesNotMatch(value, /@Microsoft\.KeyVault/, name);
  for (const src of infraSources) assert.doesNotMatch(src, /@secure\(\)/, 'secrets come from Key Vault, not from deployment parameters');
  assert.match(functionApp, /keyVaultReferenceIdentity: identityId/, 'Key Vault references resolve with the user-assigned identity');
});

// ---------------------------------------------------------------------------------------------------------
// Queues, tables, runtime
// ---------------------------------------------------------------------------------------------------------

test('the template creates the queue and table the code uses, and the poison queue', () => {
  const queues = bicepStrings(bicepVarBody(main, 'queueNames'));
  const tables = bicepStrings(bicepVarBody(main, 'tableNames'));
  assert.ok(queues.includes(SYNC_QUEUE), `queue ${SYNC_QUEUE} (SYNC_QUEUE) in ${queues.join(', ')}`);
  assert.ok(queues.includes(`${SYNC_QUEUE}-poison`), `poison queue ${SYNC_QUEUE}-poison`);
  assert.ok(queues.includes(PREVIEW_QUEUE) && queues.includes(`${PREVIEW_QUEUE}-poison`), `queue ${PREVIEW_QUEUE} (PREVIEW_QUEUE) and its poison queue in ${queues.join(', ')}`);
  assert.ok(queues.includes(IMAGE_QUEUE) && queues.includes(`${IMAGE_QUEUE}-poison`), `queue ${IMAGE_QUEUE} (IMAGE_QUEUE) and its poison queue in ${queues.join(', ')}`);
  assert.ok(tables.includes(DELIVERY_TABLE), `table ${DELIVERY_TABLE} (DELIVERY_TABLE) in ${tables.join(', ')}`);
  assert.ok(tables.includes(PROPOSAL_TABLE), `table ${PROPOSAL_TABLE} (PROPOSAL_TABLE) in ${tables.join(', ')}`);
  assert.match(main, /^\s+queueNames: queueNames$/m, 'main.bicep passes queueNames to the storage module');
  assert.match(main, /^\s+tableNames: tableNames$/m, 'main.bicep passes tableNames to the storage module');
  const storage = bicep('infra/modules/storage.bicep');
  assert.match(storage, /for queueName in queueNames/);
  assert.match(storage, /for tableName in tableNames/);
});

test('[functions/] every queue trigger listens on a queue the template creates, through the AzureWebJobsStorage connection', () => {
  assert.ok(registered.some((r) => r.trigger === 'storageQueue'), 'sync-cluster is registered as a storage queue trigger');
  const queues = bicepStrings(bicepVarBody(main, 'queueNames'));
  const settings = templateAppSettings();
  const triggers = registered.filter((r) => r.trigger === 'storageQueue');
  assert.ok(triggers.length > 0, 'a storage queue trigger is registered');
  assert.ok(triggers.some((r) => option(r, 'queueName') === SYNC_QUEUE), `a queue trigger on ${SYNC_QUEUE} (sync-cluster)`);
  assert.ok(triggers.some((r) => option(r, 'queueName') === PREVIEW_QUEUE), `a queue trigger on ${PREVIEW_QUEUE} (preview)`);
  assert.ok(triggers.some((r) => option(r, 'queueName') === IMAGE_QUEUE), `a queue trigger on ${IMAGE_QUEUE} (image-release)`);
  for (const r of triggers) {
    const queue = option(r, 'queueName');
    assert.ok(queue && queues.includes(queue), `${r.name} listens on ${queue}, which the template creates`);
    const connection = option(r, 'connection') ?? 'AzureWebJobsStorage';
    assert.ok(settings.has(`${connection}__queueServiceUri`) || settings.has(`${connection}__accountName`), `${r.name}: connection ${connection} is configured`);
  }
});

test('host.json moves a queue message to its poison queue after the deliveries the image-release trigger counts (MAX_DEQUEUE_COUNT)', () => {
  const host = JSON.parse(read('host.json')) as { extensions?: { queues?: { maxDequeueCount?: number } } };
  assert.equal(host.extensions?.queues?.maxDequeueCount, MAX_DEQUEUE_COUNT);
});

test('the Node version of the Flex runtime satisfies package.json engines', () => {
  const engines = (JSON.parse(read('package.json')) as { engines?: { node?: string } }).engines?.node;
  assert.ok(engines, 'package.json declares engines.node');
  const param = mainParameters().get('nodeVersion');
  assert.ok(param?.allowed?.length, 'nodeVersion has an @allowed list');
  const byDefault = bicepStringValue('nodeVersion');
  assert.ok(byDefault && param.allowed.includes(byDefault), `the default (${byDefault}) is allowed`);
  for (const major of param.allowed) {
    assert.ok(semver.intersects(`${major}.x`, engines), `Node ${major} can satisfy engines ${engines}`);
  }
  assert.equal(byDefault, String(semver.minVersion(engines)!.major), 'the default is the major version engines starts at');
  assert.match(functionApp, /runtime: \{\s*name: 'node'\s*version: nodeVersion\s*\}/);
  assert.match(main, /^\s+nodeVersion: nodeVersion$/m, 'main.bicep passes nodeVersion to the function app');
});

// ---------------------------------------------------------------------------------------------------------
// Functions the template and the deployment steps name
// ---------------------------------------------------------------------------------------------------------

/** Names the template uses in function resource ids (`.../functions/<name>`), resolved. */
function templateFunctionNames(): string[] {
  const names = new Set<string>();
  for (const src of infraSources) {
    for (const m of src.matchAll(/\/functions\/(?:\$\{(\w+)\}|([A-Za-z0-9_-]+))/g)) {
      const name = m[2] ?? bicepStringValue(m[1]!);
      assert.ok(name, `infra/: /functions/\${${m[1]}} resolves to a string var or param`);
      names.add(name);
    }
  }
  return [...names];
}

test('[functions/] every function the template refers to is registered, the Event Grid endpoint with an Event Grid trigger', () => {
  const names = templateFunctionNames();
  assert.ok(names.length > 0, 'the template refers to at least one function (the Event Grid endpoint)');
  for (const name of names) {
    const reg = registered.find((r) => r.name === name);
    assert.ok(reg, `function ${name} (infra/) is registered in functions/*.ts`);
    assert.equal(reg.trigger, 'eventGrid', `${name} is an Event Grid trigger (the subscription's endpointType is AzureFunction)`);
  }
});

test('the Event Grid subscription sends only ImagePushed to an Azure Function, with retries and dead-lettering, in phase 2', () => {
  assert.match(registryModule, /'Microsoft\.EventGrid\/systemTopics\/eventSubscriptions@[\d-]+' = if \(deployEventSubscription\)/);
  assert.match(registryModule, /endpointType: 'AzureFunction'/);
  assert.deepEqual(bicepStrings(/includedEventTypes: (\[[^\]]*\])/.exec(registryModule)?.[1] ?? ''), ['Microsoft.ContainerRegistry.ImagePushed']);
  assert.match(registryModule, /retryPolicy: \{\s*maxDeliveryAttempts: \w+\s*eventTimeToLiveInMinutes: \w+\s*\}/);
  assert.match(registryModule, /deadLetterWithResourceIdentity: \{/);
  assert.match(registryModule, /topicType: 'Microsoft\.ContainerRegistry\.Registries'/);
  assert.match(main, /^param deployEventSubscriptions bool = false$/m, 'phase 1 is the default');
  assert.match(main, /deployEventSubscription: deployEventSubscriptions/);
});

test('the Event Grid delivery schema is a parameter, CloudEvents 1.0 by default, allowing exactly the schemas the code reads', () => {
  const param = mainParameters().get('eventDeliverySchema');
  assert.ok(param?.allowed, 'main.bicep declares eventDeliverySchema with an @allowed list');
  assert.deepEqual([...param.allowed].sort(), [...EVENT_GRID_SCHEMAS].sort());
  assert.equal(bicepStringValue('eventDeliverySchema'), 'CloudEventSchemaV1_0');
  assert.match(main, /^\s+eventDeliverySchema: eventDeliverySchema$/m, 'main.bicep passes it to the registry module');
  assert.match(registryModule, /^@allowed\(\['CloudEventSchemaV1_0', 'EventGridSchema'\]\)\nparam eventDeliverySchema string$/m);
  assert.match(registryModule, /^\s+eventDeliverySchema: eventDeliverySchema$/m, 'the subscription uses it');
  assert.doesNotMatch(registryModule, /eventDeliverySchema: '/, 'no schema is hard-coded');
});

test('GITOPS_REGISTRY_TOPICS maps each registry parameter\'s resource id (the Event Grid topic) to its login server', () => {
  assert.equal(templateAppSettings().get('GITOPS_REGISTRY_TOPICS'), 'string(registryTopics)');
  assert.match(main, /^\s+registryTopics: registryTopics$/m, 'main.bicep passes the map to the function app');
  const body = /^var registryTopics = toObject\(\s*registries,\s*r => '([^']+)',\s*r => '([^']+)'\s*\)/m.exec(main);
  assert.ok(body, 'var registryTopics = toObject(registries, id, login server)');
  // Evaluated for the example parameters, the map is one the settings accept and covers every registry.
  const p = (JSON.parse(read('infra/main.parameters.example.json')) as ExampleParameters).parameters;
  const regs = p.registries!.value as { name: string; resourceGroup: string; subscriptionId?: string }[];
  const deploymentSubscription = '00000000-0000-0000-0000-0000000000aa';
  const evaluate = (template: string, r: (typeof regs)[number]) =>
    template
      .replace("${r.?subscriptionId ?? subscription().subscriptionId}", r.subscriptionId ?? deploymentSubscription)
      .replace('${r.resourceGroup}', r.resourceGroup)
      .replace('${r.name}', r.name)
      .replace('${toLower(r.name)}', r.name.toLowerCase())
      .replace('${environment().suffixes.acrLoginServer}', '.azurecr.io');
  const map = Object.fromEntries(regs.map((r) => [evaluate(body[1]!, r), evaluate(body[2]!, r)]));
  assert.ok(!JSON.stringify(map).includes('${'), `every interpolation is evaluated: ${JSON.stringify(map)}`);
  const settings = loadSettings({ GITOPS_REGISTRY_TOPICS: JSON.stringify(map), GITOPS_REGISTRIES: regs.map((r) => `${r.name.toLowerCase()}.azurecr.io`).join(',') });
  assert.deepEqual([...settings.registryTopics.values()].sort(), regs.map((r) => `${r.name.toLowerCase()}.azurecr.io`).sort());
});

// The README's "Deploy to Azure" section (up to the next top-level section).
const readme = read('README.md');
const deploy = readme.slice(readme.indexOf('## Deploy to Azure'), readme.indexOf('\n## ', readme.indexOf('## Deploy to Azure') + 5));

test('[functions/] the webhook URLs in the deployment steps are registered anonymous HTTP routes', () => {
  const url = /(?:azurewebsites\.net|\})\/api\/([A-Za-z0-9_-]+)/g; // the app's host name, literal or interpolated
  const paths = new Set([...deploy.matchAll(url), ...main.matchAll(url)].map((m) => m[1]!));
  assert.ok(paths.has('github-webhook') && paths.has('acr-webhook'));
  for (const path of paths) {
    const reg = registered.find((r) => r.trigger === 'http' && (option(r, 'route') ?? r.name) === path);
    assert.ok(reg, `an app.http registration answers /api/${path}`);
    assert.equal(option(reg, 'authLevel'), 'anonymous', `/api/${path} is anonymous (GitHub and ACR send no function key; the handler checks the secret)`);
    assert.match(reg.options, /methods:\s*\[[^\]]*'POST'/, `/api/${path} accepts POST`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// The deployment steps and the example parameters
// ---------------------------------------------------------------------------------------------------------

test('the deployment steps use the template\'s outputs, parameters and secret names', () => {
  const outputs = new Set([...main.matchAll(/^output (\w+) /gm)].map((m) => m[1]!));
  for (const needed of ['functionAppName', 'identityClientId', 'keyVaultName', 'storageAccountName']) assert.ok(outputs.has(needed), `output ${needed}`);
  for (const m of deploy.matchAll(/\bout (\w+)\)/g)) assert.ok(outputs.has(m[1]!), `the README Deploy section reads output ${m[1]}, which main.bicep declares`);
  const params = mainParameters();
  for (const m of deploy.matchAll(/--parameters ((?:\w+=\S+ ?)+)/g)) {
    for (const kv of m[1]!.trim().split(/\s+/)) assert.ok(params.has(kv.split('=')[0]!), `the README Deploy section sets parameter ${kv.split('=')[0]}, which main.bicep declares`);
  }
  const secrets = bicepStrings(bicepVarBody(main, 'secretNames')).sort();
  const set = [...new Set([...deploy.matchAll(/az keyvault secret set [^\n]*--name ([a-z0-9-]+)/g)].map((m) => m[1]!))].sort();
  assert.deepEqual(set, secrets, 'the README Deploy section sets every Key Vault secret the template references');
});

test('the log events the deployment steps query are logged by the code', () => {
  const code: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(new URL(rel, root), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(`${rel}${entry.name}/`);
      else if (entry.name.endsWith('.ts')) code.push(read(`${rel}${entry.name}`));
    }
  };
  for (const rel of ['functions/', 'shared/']) if (existsSync(new URL(rel, root))) walk(rel);
  const logged = new Set(code.flatMap((src) => [...src.matchAll(/\.(?:info|warn|error)\(\s*'([a-z-]+\.[a-z.-]+)'/g)].map((m) => m[1]!)));
  const queried = new Set([...deploy.matchAll(/'([a-z]+\.[a-z-]+)'/g)].map((m) => m[1]!).filter((e) => /^(push|sync|image|reconcile|registry|startup)\./.test(e)));
  assert.ok(queried.size > 0, 'the README Deploy section queries log events');
  for (const e of queried) {
    assert.ok(logged.has(e), `the README Deploy section queries ${e}; the code logs ${[...logged].sort().join(', ')}`);
  }
});

interface ExampleParameters {
  parameters: Record<string, { value: unknown }>;
}

test('the example parameters file gives every parameter main.bicep declares, within its allowed values', () => {
  const example = JSON.parse(read('infra/main.parameters.example.json')) as ExampleParameters;
  const params = mainParameters();
  assert.deepEqual(Object.keys(example.parameters).sort(), [...params.keys()].sort());
  for (const [name, { allowed }] of params) {
    if (allowed) assert.ok(allowed.includes(String(example.parameters[name]!.value)), `${name}: ${String(example.parameters[name]!.value)} is one of ${allowed.join(', ')}`);
  }
  assert.equal(example.parameters.deployEventSubscriptions!.value, false, 'the example is phase 1');
});

test('the example\'s environments are covered by its cluster scopes and registries, and its settings are known', () => {
  const p = (JSON.parse(read('infra/main.parameters.example.json')) as ExampleParameters).parameters;
  const config = parseConfig(String(p.gitopsConfig!.value), 'infra/main.parameters.example.json gitopsConfig');
  assert.ok(config.environments.length > 0);
  if (config.repository) assert.equal(config.repository, p.githubRepository!.value);

  const scopes = p.clusterScopes!.value as { subscriptionId?: string; resourceGroup?: string }[];
  const covered = (sub: string, group: string | undefined) =>
    scopes.some((s) => (s.subscriptionId ?? sub).toLowerCase() === sub.toLowerCase() && (!s.resourceGroup || (group !== undefined && s.resourceGroup.toLowerCase() === group.toLowerCase())));
  const registries = (p.registries!.value as { name: string }[]).map((r) => `${r.name.toLowerCase()}.azurecr.io`);
  for (const env of config.environments) {
    const azure = env.clusters.azure;
    if (azure) {
      const groups = azure.resourceGroups.length > 0 ? azure.resourceGroups : [undefined];
      for (const g of groups) assert.ok(covered(azure.subscription, g), `${env.name}: clusters in ${g ?? 'the whole subscription'} of ${azure.subscription} are in clusterScopes`);
    }
    for (const host of env.registries.filter((h) => h.endsWith('.azurecr.io'))) assert.ok(registries.includes(host), `${env.name}: registry ${host} is in registries`);
  }

  const templateSet = templateAppSettings();
  for (const [name, value] of Object.entries(p.additionalAppSettings!.value as Record<string, string>)) {
    assert.ok(name in SETTINGS, `additionalAppSettings: ${name} is a setting the code reads`);
    assert.ok(!templateSet.has(name), `additionalAppSettings: ${name} is already set by the template`);
    if (isSecret(name as SettingName)) assert.match(value, /^@Microsoft\.KeyVault\(/, `${name} is a secret: a Key Vault reference, not a value`);
  }
});
