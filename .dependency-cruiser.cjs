/**
 * Import direction, checked by test/architecture/import-direction.test.ts (part of `npm test`) through
 * test/support/import-check.ts.
 * Layers: the hosts (functions/, cli/) → shared/app (the composition root) → shared/pipeline (use cases) →
 * adapters (shared/sources, clusters, storage, registry) → pure modules (shared/config, manifests, images,
 * build, retry). See DEVELOPMENT.md.
 */
const PURE = '^shared/(config|manifests|images|build|retry)/';
const ADAPTERS = '^shared/(sources|clusters|storage|registry)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one: load order, tests and reasoning all depend on both.',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'hosts-go-through-app',
      severity: 'error',
      comment: 'functions/ and cli/ reach adapters only through shared/app (one composition root) and use cases through shared/pipeline.',
      from: { path: '^(functions|cli)/' },
      to: { path: ADAPTERS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'pure-modules-do-no-io',
      severity: 'error',
      comment: 'Pure modules (config, manifests, images, build, retry) import no adapter, use case or host.',
      from: { path: PURE },
      to: { path: '^(shared/(sources|clusters|storage|registry|pipeline|app)|functions|cli)/' },
    },
    {
      name: 'pure-modules-no-io-builtins',
      severity: 'error',
      comment: 'Pure modules do no I/O: no file system, network, processes or workers.',
      from: { path: PURE },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|dns|tls|child_process|cluster|worker_threads)$' },
    },
    {
      name: 'adapters-below-pipeline',
      severity: 'error',
      comment: 'Adapters implement ports; they never call a use case, the composition root or a host.',
      from: { path: ADAPTERS },
      to: { path: '^(shared/(pipeline|app)|functions|cli)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-not-into-hosts',
      severity: 'error',
      comment: 'shared/ never imports a host.',
      from: { path: '^shared/' },
      to: { path: '^(functions|cli)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|\\.work)/' },
    // test/support/import-check.ts strips the types into a tree of .js files first (TypeScript 7 has no
    // compiler API for dependency-cruiser yet), so type-only imports are already gone.
  },
};
