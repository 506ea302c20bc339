// Three clusters and 8 pushes under faults; cluster.heavy.ts runs ten clusters and 80 pushes.
import { clusterTests } from './cluster-checks.ts';

clusterTests({ clusters: 3, faultEvents: 8, faultClusters: 2 });
