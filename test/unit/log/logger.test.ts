import { describe, expect, it } from 'vitest';
import { createLogger, createSilentLogger } from '#log/logger.js';

function capture(pretty = false) {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    pretty,
    destination: { stream: { write: (line) => void lines.push(line) } },
    bindings: { app: 'omar' },
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('redacts tokens, token hashes and authorization, also in children', () => {
    const { logger, lines } = capture();
    logger.child({ component: 'api' }).info(
      {
        token: 'tok-1',
        tokenHash: 'h-1',
        agent: { token: 'tok-2', tokenHash: 'h-2' },
        headers: { authorization: 'Bearer x' },
        ok: 1,
      },
      'hello',
    );
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({
      msg: 'hello',
      component: 'api',
      app: 'omar',
      ok: 1,
      token: '[redacted]',
      tokenHash: '[redacted]',
    });
    expect(entry['agent']).toEqual({ token: '[redacted]', tokenHash: '[redacted]' });
    expect(lines[0]).not.toMatch(/tok-|h-1|h-2|Bearer/);
  });

  it('honours the level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { stream: { write: (line) => void lines.push(line) } } });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['loud']);
  });

  it('writes one readable line per entry when pretty, still redacted', () => {
    const { logger, lines } = capture(true);
    logger.child({ component: 'store' }).warn({ token: 'tok-9', path: '/x' }, 'slow');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[store\] slow .*path=\/x/);
    expect(lines[0]).not.toContain('tok-9');
  });

  it('has a silent variant', () => {
    const logger = createSilentLogger();
    expect(() => logger.child({ a: 1 }).error({ err: new Error('x') }, 'nothing')).not.toThrow();
  });
});
