// 30 image events under faults; github-faults.heavy.ts runs 120.
import { githubFaultTests } from './github-faults-checks.ts';

githubFaultTests(25, 5);
