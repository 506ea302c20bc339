// Twenty images on four instances (`npm run test:heavy`); image-events.test.ts runs six on three in `npm test`.
import { imageEventTests } from './image-events-checks.ts';

imageEventTests(20, 4);
