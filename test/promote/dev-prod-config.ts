/**
 * The promotion tests' two-environment gitops.yaml: `dev` (master, dev.azurecr.io) promoted to `prod` (release,
 * prod.azurecr.io) with the registry rewritten; optionally the tag filters rewritten too and `auto: true`.
 */
export function devProdConfig(o: { filters?: boolean; auto?: boolean } = {}): string {
  return `environments:
  dev:
    branch: master
    path: dev
    registries: [dev.azurecr.io]
  prod:
    branch: release
    path: prod
    registries: [prod.azurecr.io]
    promotion:
      from: dev
      rewrite:
        registries: { dev.azurecr.io: prod.azurecr.io }
${o.filters ? '        filters: { "glob:master-*": "glob:release-*" }\n' : ''}${o.auto ? '      auto: true\n' : ''}`;
}
