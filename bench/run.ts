/** `npm run bench`: runs every benchmark in one run and prints one table of figures. */
import { commandLatencyFigures } from "./command-latency.js";
import { type Figure, machine, printTable } from "./lib.js";
import { memoryAndHttpFigures } from "./memory.js";
import { renderFigures } from "./render.js";
import { replicaFigures } from "./replicas.js";
import { startupFigures } from "./startup.js";
import { stateFigures } from "./state.js";
import { subscriptionFigures } from "./subscriptions.js";
import { watchFigures } from "./watch.js";

const figures: Figure[] = [];
figures.push(...renderFigures());
figures.push(...(await commandLatencyFigures()));
figures.push(...(await startupFigures()));
const { memory, http } = await memoryAndHttpFigures(Number(process.env.BENCH_HTTP_SECONDS) || 10);
figures.push(...http, ...memory);
figures.push(...(await stateFigures(Number(process.env.BENCH_HTTP_SECONDS) || 10)));
figures.push(...(await watchFigures(Number(process.env.BENCH_WATCH_SECONDS) || 30)));
figures.push(...(await subscriptionFigures(Number(process.env.BENCH_WATCH_SECONDS) || 30)));
figures.push(...(await replicaFigures(Number(process.env.BENCH_REPLICA_SECONDS) || 65)));

console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
printTable(figures);
