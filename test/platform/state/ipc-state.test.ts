/**
 * The cluster-spanning memory state across a real process boundary: a child
 * forked with an IPC channel (as cluster forks workers) reaches the StateHost
 * in this process, and shares leases, keys and messages with a second "worker"
 * here. The contract itself runs in state.test.ts over an in-process channel;
 * this proves the same over Node's IPC (JSON serialization, process.send).
 * Runs the compiled dist/ (`npm run build`), like the CLI tests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/platform/logging/index.js';
import { StateHost, openState, type IpcLink, type SharedState } from '../../../src/platform/state/index.js';
import { linkPair } from '../../helpers/ipc-link.js';
import { until } from '../../helpers/until.js';
import { tempDir } from '../../helpers/tmp.js';

const logger = createLogger({ level: 'silent' });
const dist = (p: string) => pathToFileURL(join(process.cwd(), 'dist', p)).href;

/** The child: holds a lease, and answers every message on `ping` by setting `pong` to it. */
const CHILD = `
const { openState, processLink } = await import(${JSON.stringify(dist('platform/state/index.js'))});
const { createLogger } = await import(${JSON.stringify(dist('platform/logging/index.js'))});
const state = await openState('memory', { logger: createLogger({ level: 'silent' }), link: processLink() });
await state.subscribe('ping', (m) => state.set('pong', m, 60000));
const held = await state.acquireLease('leader', 'child', 60000);
process.send({ t: 'test-ready', held });
`;

function childLink(child: ChildProcess): IpcLink {
  return {
    send: (m) => void (child.connected && child.send(m as object)),
    onMessage: (h) => {
      child.on('message', h);
      return () => void child.off('message', h);
    },
    connected: () => child.connected,
  };
}

describe('memory state held by a primary, reached from a forked process', () => {
  const dir = tempDir('hookline-ipc-');
  const host = new StateHost(logger);
  let child: ChildProcess;
  let here: SharedState;
  let ready: { held?: boolean } = {};

  beforeAll(async () => {
    const script = join(dir.dir, 'child.mjs');
    writeFileSync(script, CHILD);
    child = fork(script, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // As the cluster primary does: a worker that exits is detached, its subscriptions ended.
    const detach = host.attach(childLink(child));
    child.once('exit', detach);
    child.on('message', (m: { t?: string; held?: boolean }) => void (m.t === 'test-ready' && (ready = m)));
    const [primarySide, workerSide] = linkPair();
    host.attach(primarySide);
    here = await openState('memory', { logger, link: workerSide });
    await until(() => ready.held !== undefined, 10_000, 'the child to start');
  }, 20_000);

  afterAll(async () => {
    child?.kill();
    await here?.close();
    await host.close();
    dir.cleanup();
  });

  it('shares leases, keys and messages with the other process', async () => {
    expect(here.shared).toBe(true);
    expect(ready.held).toBe(true);
    expect(await here.acquireLease('leader', 'here', 60_000)).toBe(false);
    expect(await here.publish('ping', 'hello')).toBe(1);
    await until(async () => (await here.get('pong')) === 'hello', 10_000, 'the child to answer');
  });

  it("ends a worker's subscriptions when it goes: publishing then reaches nobody", async () => {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill();
    await gone;
    await until(async () => (await here.publish('ping', 'anyone?')) === 0, 10_000, 'the child\'s subscription to end');
  });
});
