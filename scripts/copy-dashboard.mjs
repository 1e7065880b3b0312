#!/usr/bin/env node
// The build's second step (after tsc): the live dashboard's files (plain HTML, CSS and JavaScript
// modules, no build of their own) and the runbook they link to, copied beside the compiled
// server, where lib/serve/dashboard-assets.ts reads them from (dist/serve/dashboard/).
import { cpSync, copyFileSync } from 'node:fs';

cpSync('lib/serve/dashboard', 'dist/serve/dashboard', { recursive: true });
copyFileSync('docs/operations.md', 'dist/serve/dashboard/operations.md');
