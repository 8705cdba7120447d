import { describe, expect, it } from 'vitest';
import { Lifecycle, type Component } from '../../src/app/lifecycle.js';

class StartFailed extends Error {
  override name = 'StartFailed';
}

function recorder() {
  const calls: string[] = [];
  const component = (name: string, o: { start?: boolean; failStart?: boolean; failStop?: boolean } = {}): Component<number> => ({
    name,
    ...(o.start === false
      ? {}
      : {
          start: async () => {
            calls.push(`start ${name}`);
            if (o.failStart) throw new StartFailed(name);
          },
        }),
    stop: async (drainMs) => {
      calls.push(`stop ${name} ${drainMs}`);
      if (o.failStop) throw new Error(`${name} would not stop`);
    },
  });
  return { calls, component };
}

describe('lifecycle', () => {
  it('starts in the order added and stops in the reverse order, with the stop options', async () => {
    const { calls, component } = recorder();
    const life = new Lifecycle<number>();
    for (const name of ['db', 'queue', 'tracking', 'capture']) life.add(component(name));
    await life.start(0);
    await life.stop(250);
    expect(calls).toEqual(['start db', 'start queue', 'start tracking', 'start capture', 'stop capture 250', 'stop tracking 250', 'stop queue 250', 'stop db 250']);
  });

  it('counts a component without start as running from when it was added, in its place', async () => {
    const { calls, component } = recorder();
    const life = new Lifecycle<number>();
    life.add(component('db', { start: false }));
    life.add(component('tracking'));
    life.add(component('gate', { start: false }));
    await life.start(0);
    await life.stop(1);
    expect(calls).toEqual(['start tracking', 'stop gate 1', 'stop tracking 1', 'stop db 1']);
  });

  it('a failed start stops what already runs, in reverse, and rethrows; the failed and later ones are not stopped', async () => {
    const { calls, component } = recorder();
    const life = new Lifecycle<number>();
    life.add(component('db', { start: false }));
    life.add(component('state'));
    life.add(component('tenants'));
    life.add(component('http', { failStart: true }));
    life.add(component('capture'));
    await expect(life.start(7)).rejects.toBeInstanceOf(StartFailed);
    expect(calls).toEqual(['start state', 'start tenants', 'start http', 'stop tenants 7', 'stop state 7', 'stop db 7']);
    await life.stop(9); // nothing left running
    expect(calls).toHaveLength(6);
  });

  it('stops once, and a stop that fails does not keep the others running', async () => {
    const { calls, component } = recorder();
    const errors: string[] = [];
    const life = new Lifecycle<number>({ onStopError: (name) => errors.push(name) });
    life.add(component('db'));
    life.add(component('queue', { failStop: true }));
    life.add(component('capture'));
    await life.start(0);
    const first = life.stop(3);
    const second = life.stop(4);
    await expect(first).rejects.toThrow('queue would not stop');
    expect(second).toBe(first);
    expect(calls.filter((c) => c.startsWith('stop'))).toEqual(['stop capture 3', 'stop queue 3', 'stop db 3']);
    expect(errors).toEqual(['queue']);
  });
});
