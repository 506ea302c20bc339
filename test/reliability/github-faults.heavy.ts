// 120 image events under faults (`npm run test:heavy`); github-faults.test.ts runs 10 in `npm test`.
import { githubFaultTests } from './github-faults-checks.ts';

githubFaultTests(100, 20);
