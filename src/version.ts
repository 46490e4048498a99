// The package version, read once from package.json so the CLI and the library agree.
export { packageVersion as version } from './package-root.js';
