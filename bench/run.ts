/** `npm run bench`: runs every benchmark in one run and prints one table of figures. */
import { commandLatencyFigures } from "./command-latency.js";
import { machine, printTable, type Figure } from "./lib.js";
import { renderFigures } from "./render.js";
import { watchFigures } from "./watch.js";

const figures: Figure[] = [];
figures.push(...renderFigures());
figures.push(...(await commandLatencyFigures()));
figures.push(...(await watchFigures(Number(process.env.BENCH_WATCH_SECONDS) || 30)));

console.log(`machine: ${machine()}`);
printTable(figures);
