// Messages between the parse pool and its workers (structured-clone data only).
import type { ParseJob } from './parse-job.js';

export interface ParseRequest {
  readonly jobs: readonly ParseJob[];
  readonly fileBytesMax: number;
}
