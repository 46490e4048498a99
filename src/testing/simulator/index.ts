// The simulator's entry point for tests and scripts/sim.ts. Not part of the product's API.
export { runSimulation, type SimulationOptions } from './simulator.js';
export {
  replayCommand,
  sumCounters,
  type SimulationCounters,
  type SimulationFailure,
  type SimulationReport,
} from './report.js';
