/** Draw the charts again from a run's figures: `node bench/dist/draw.js <results.json> [dir]` (dir: bench/charts). */
import { readFileSync } from 'node:fs';
import { drawCharts } from './charts.js';
import type { Results } from './results.js';

const [file, dir = new URL('../charts/', import.meta.url).pathname] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: node bench/dist/draw.js <results.json> [dir]');
const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
for (const written of await drawCharts(results, dir)) console.log(written);
