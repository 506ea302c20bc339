#!/usr/bin/env node
// Installed entry point: runs the built CLI (npm run build), or the TypeScript
// source directly when running from a checkout on Node >= 22.18 (type stripping).
import { existsSync } from 'node:fs';
const built = new URL('../dist/cli/main.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('../cli/main.ts', import.meta.url).href);
