// Ten clusters and 80 pushes under faults (`npm run test:heavy`); cluster.test.ts runs a small version in `npm test`.
import { clusterTests } from './cluster-checks.ts';

clusterTests({ clusters: 10, faultEvents: 80, faultClusters: 4 });
