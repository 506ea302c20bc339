// 10 image events under faults (every kind of fault still appears with seed 7); github-faults.heavy.ts runs 120.
import { githubFaultTests } from './github-faults-checks.ts';

githubFaultTests(8, 2);
