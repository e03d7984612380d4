import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInFlightLogFile } from '#runtime/store/in-flight-log-file.js';
import { SilentLogger } from '../../../fakes/silent-logger.js';

describe('the write-ahead record of deliveries', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omar-in-flight-'));
    path = join(dir, 'deliveries-in-flight.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends each batch at once (0600), gives them back once, and skips a torn line', () => {
    const log = createInFlightLogFile({ path, logger: new SilentLogger(), openKeys: () => new Set() });
    log.starting([
      { id: 'ev-1', t: '1' },
      { id: 'ev-2', t: '1' },
    ]);
    log.starting([{ id: 'ev-3', t: '2' }]);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    appendFileSync(path, '{"e":[{"id":"ev-4","t"'); // a kill mid-append
    expect(log.takeAll()).toEqual([
      { id: 'ev-1', t: '1' },
      { id: 'ev-2', t: '1' },
      { id: 'ev-3', t: '2' },
    ]);
    expect(log.takeAll()).toEqual([]);
  });

  it('past its size, keeps only the entries of events still open', () => {
    const open = new Set(['ev-7@7']);
    const log = createInFlightLogFile({ path, logger: new SilentLogger(), openKeys: () => open, maxBytes: 200 });
    for (let i = 0; i < 10; i += 1) log.starting([{ id: `ev-${i}`, t: String(i) }]);
    expect(statSync(path).size).toBeLessThanOrEqual(200);
    expect(log.takeAll()).toEqual([
      { id: 'ev-7', t: '7' },
      { id: 'ev-8', t: '8' },
      { id: 'ev-9', t: '9' },
    ]);
  });

  it('a failed append is logged, not thrown: deliveries go on', () => {
    const warnings: string[] = [];
    const logger = Object.assign(new SilentLogger(), { warn: (_o: unknown, msg: string) => void warnings.push(msg) });
    const log = createInFlightLogFile({
      path: join(dir, 'no', 'such', 'dir.jsonl'),
      logger,
      openKeys: () => new Set(),
    });
    expect(() => log.starting([{ id: 'ev-1', t: '1' }])).not.toThrow();
    log.starting([{ id: 'ev-2', t: '1' }]);
    expect(warnings).toEqual(['cannot record a delivery in flight']);
  });
});
