// The workspace layer's freshness check, loaded on demand by query commands; it lives in a module
// that does not import the ingestion code, so a query process stays light.
export { freshnessSource } from '../workspace/freshness.js';
