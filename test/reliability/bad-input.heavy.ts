// Ten thousand generated bad inputs (`npm run test:heavy`); bad-input.test.ts runs a thousand in `npm test`.
import { badInputTests } from './bad-input-checks.ts';

badInputTests(10_000);
