// The package's public entry embeds a server: start it on a directory, ask it through a client,
// stop it, and the directory opens in-process again (its lock was released).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { makeTempDir } from './testing/temp-dir.js';
import { Database, KausalClient, KausalServer } from './index.js';

it('embeds a server and a client through the package entry', async (t) => {
  const dataDirectory = makeTempDir(t, 'kausal-public-api-');
  const server = await KausalServer.start({ dataDirectory, port: 0, advertise: false });
  const client = await KausalClient.connect({ host: '127.0.0.1', port: server.endpoint.port });
  const pong = await client.request('ping', { echo: 'api' });
  assert.equal(pong.echo, 'api');
  assert.equal(pong.mode, 'server');
  const found = await client.request('find', { name: 'nothing_here' });
  assert.deepEqual(found.results, []);
  await client.close();
  await server.stop();
  Database.open(dataDirectory).close();
});
