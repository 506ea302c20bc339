// Six images on three instances; image-events.heavy.ts runs twenty on four.
import { imageEventTests } from './image-events-checks.ts';

imageEventTests(6, 3);
