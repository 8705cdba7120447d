/**
 * The loopback Genesys fixture most client tests share: a fresh fake server on
 * auto-advancing virtual time before each test, and a client for it.
 */
import type { FastifyRequest } from 'fastify';
import { afterEach, beforeEach } from 'vitest';
import { createGenesysClient, type GenesysClient } from '../../../src/genesys/index.js';
import { startFake, type FakeGenesys } from './fake-genesys.js';
import { AutoTime } from './virtual-time.js';

export interface FakeFixture {
  readonly time: AutoTime;
  readonly fake: FakeGenesys;
  client(): GenesysClient;
}

export function useFakeGenesys(): FakeFixture {
  let time: AutoTime | undefined;
  let fake: FakeGenesys | undefined;
  beforeEach(async () => {
    time = new AutoTime();
    fake = await startFake(time);
  });
  afterEach(() => fake?.close());
  return {
    get time() {
      return time as AutoTime;
    },
    get fake() {
      return fake as FakeGenesys;
    },
    client: () => createGenesysClient((fake as FakeGenesys).config(), { clock: time as AutoTime, sleep: (time as AutoTime).sleep, fetch: (time as AutoTime).fetch, random: () => 0.5 }),
  };
}

/** A request's query string as a plain record. */
export const query = (req: FastifyRequest) => req.query as Record<string, string>;
