/** `npm run bench`: runs every benchmark in one process run and prints one table of figures. */
import { commandLatencyFigures } from "./command-latency.js";
import { machine, printTable, type Figure } from "./lib.js";
import { renderFigures } from "./render.js";

const figures: Figure[] = [];
figures.push(...renderFigures());
figures.push(...(await commandLatencyFigures()));

console.log(`machine: ${machine()}`);
printTable(figures);
