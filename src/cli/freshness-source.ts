// The workspace layer's freshness check, loaded on demand by query commands. It lives in
// src/workspace/status.ts, which also imports the ingestion barrel (about half of a query
// process's module loading); if it moves to a lighter module, only this line changes.
export { freshnessSource } from '../workspace/status.js';
