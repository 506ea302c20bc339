// A thousand generated bad inputs (every kind of case appears); ten thousand in bad-input.heavy.ts.
import { badInputTests } from './bad-input-checks.ts';

badInputTests(1_000);
