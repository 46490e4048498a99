// Where requests go: a backend either opens the database in this process (embedded) or sends the
// request to the server that owns it. The CLI and the MCP server talk only to this interface, so
// a command gives the same answer whether or not a server is running.
import type { ParamsOf, ProgressEvent, RequestKind, ResultOf } from './requests.js';

export interface BackendRequestOptions {
  readonly onProgress?: (event: ProgressEvent) => void;
}

export interface Backend {
  readonly mode: 'embedded' | 'server';
  /** The data directory the requests run against. */
  readonly dataDirectory: string;
  request<K extends RequestKind>(
    kind: K,
    params: ParamsOf<K>,
    options?: BackendRequestOptions,
  ): Promise<ResultOf<K>>;
  close(): Promise<void>;
}
